import { HttpApiBuilder, HttpServerResponse } from "@effect/platform"
import {
  cancelResearch,
  enrichLead,
  getResearch,
  isResearchFinished,
  LanguageModel,
  listResearch,
  ResearchTask,
  submitResearch,
  waitForResearch
} from "@leadforge/domain"
import { Effect, Schema } from "effect"
import { LeadforgeApi } from "../Api.js"
import { problemBody, ServiceUnavailable } from "../api/Problems.js"
import { parseWait } from "../api/ResearchApi.js"
import { useCaseContext } from "./context.js"
import { withLeadIndex } from "./KnowledgeHttp.js"
import { mapDomainErrors } from "./problems.js"

/** What a client reads when the server has no model. */
export const LLM_NOT_CONFIGURED_DETAIL =
  "no language model is configured: set GROQ_API_KEY (optionally GROQ_MODEL and GROQ_BASE_URL) in the server's " +
  "environment and restart it; everything else works without one"

const notConfigured = () =>
  new ServiceUnavailable(problemBody(503, { code: "llm_not_configured", detail: LLM_NOT_CONFIGURED_DETAIL }))

/** Fails with 503 llm_not_configured before any work when the server has no model. */
const requireModel = Effect.flatMap(LanguageModel, (model) => model.health).pipe(
  Effect.flatMap((health) => (health.status === "ok" ? Effect.void : Effect.fail(notConfigured())))
)

const hasTag = (error: unknown, tag: string) =>
  typeof error === "object" && error !== null && "_tag" in error && error._tag === tag

/** The model's own failures as problems: not configured, or a reply that never matched the schema. */
const mapModelErrors = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.mapError(effect, (error) => {
    if (hasTag(error, "LanguageModelNotConfigured")) return notConfigured()
    if (hasTag(error, "ModelOutputInvalid")) {
      return new ServiceUnavailable(
        problemBody(503, {
          code: "model_output_invalid",
          detail: `${(error as { message: string }).message}; retry later`
        })
      )
    }
    return error as Exclude<E, { readonly _tag: "LanguageModelNotConfigured" | "ModelOutputInvalid" }>
  })

export const EnrichmentHttp = HttpApiBuilder.group(LeadforgeApi, "enrichment", (handlers) =>
  handlers.handle("enrich", ({ path }) =>
    Effect.gen(function* () {
      yield* requireModel
      const result = yield* withLeadIndex(enrichLead(yield* useCaseContext, path.id))
      return {
        lead: result.lead,
        claims: result.claims,
        lowConfidence: result.claims.filter((claim) => claim.lowConfidence).map((claim) => claim.field),
        aiAdoptionReasons: result.aiAdoptionReasons,
        evidence: result.evidence,
        sourceId: result.sourceId,
        usage: result.usage
      }
    }).pipe(mapModelErrors, mapDomainErrors)
  )
)

export const ResearchHttp = HttpApiBuilder.group(LeadforgeApi, "research", (handlers) =>
  handlers
    .handle("submit", ({ payload }) =>
      Effect.gen(function* () {
        yield* requireModel
        return yield* submitResearch(yield* useCaseContext, payload)
      }).pipe(mapDomainErrors)
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
