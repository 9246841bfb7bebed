import { HttpApiBuilder, HttpServerResponse } from "@effect/platform"
import {
  cancelResearch,
  getResearch,
  isResearchFinished,
  listLeadSources,
  listResearch,
  ResearchTask,
  submitResearch,
  waitForResearch
} from "@leadforge/domain"
import { Effect, Schema } from "effect"
import { LeadforgeApi } from "../../Api.js"
import { useCaseContext } from "../caller.js"
import { mapDomainErrors } from "../domainErrors.js"
import { requireModel } from "../languageModel.js"
import { parseWait } from "./ResearchApi.js"

export const ResearchHttp = HttpApiBuilder.group(LeadforgeApi, "research", (handlers) =>
  handlers
    .handle("submit", ({ payload }) =>
      Effect.gen(function* () {
        yield* requireModel
        return yield* submitResearch(yield* useCaseContext, payload)
      }).pipe(mapDomainErrors)
    )
    .handle("crawl", ({ path }) =>
      Effect.flatMap(useCaseContext, (ctx) => submitResearch(ctx, { kind: "crawl_website", leadId: path.id })).pipe(
        mapDomainErrors
      )
    )
    .handle("sources", ({ path }) =>
      Effect.flatMap(useCaseContext, (ctx) => listLeadSources(ctx, path.id)).pipe(
        Effect.map((items) => ({ items })),
        mapDomainErrors
      )
    )
    .handle("list", ({ urlParams }) =>
      Effect.gen(function* () {
        const page = yield* listResearch(yield* useCaseContext, urlParams)
        return { items: page.items, nextCursor: page.nextCursor }
      }).pipe(mapDomainErrors)
    )
    .handle("get", ({ path, urlParams }) =>
      Effect.gen(function* () {
        const ctx = yield* useCaseContext
        const wait = urlParams.wait === undefined ? undefined : parseWait(urlParams.wait)
        if (wait === undefined) return yield* getResearch(ctx, path.id)
        const task = yield* waitForResearch(ctx, path.id, { timeout: wait })
        if (isResearchFinished(task.status)) return task
        // Both bodies are the same shape, so the schema union cannot pick the status: 202 is sent as is.
        return HttpServerResponse.unsafeJson(yield* Schema.encode(ResearchTask)(task).pipe(Effect.orDie), {
          status: 202
        })
      }).pipe(mapDomainErrors)
    )
    .handle("cancel", ({ path }) =>
      Effect.flatMap(useCaseContext, (ctx) => cancelResearch(ctx, path.id)).pipe(mapDomainErrors)
    )
)
