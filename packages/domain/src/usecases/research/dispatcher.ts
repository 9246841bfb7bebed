import { Effect, Either, Schema } from "effect"
import { toFieldIssues, ValidationFailed } from "../../errors.js"
import { Actor } from "../../model/common.js"
import type { ResearchTask } from "../../model/ResearchTask.js"
import { isTransientWebFetchReason, WebFetchFailed } from "../../ports/WebFetcher.js"
import type { UseCaseContext } from "../UseCaseContext.js"
import { crawlWebsite, withWebResearch } from "../website/crawlWebsite.js"
import { StoredInput } from "./requests.js"
import type { ResearchResult } from "./results.js"
import { answerQuery, enrichCompany, findContacts } from "./run.js"

/**
 * Runs one claimed task and returns its result (the worker stores it). Effects are idempotent: find_contacts
 * skips people the lead (or the organization, by email) already has, so running a task twice adds nothing twice.
 * The task runs as the actor who submitted it.
 */
export const runResearchTask = (task: ResearchTask) =>
  Effect.gen(function* () {
    const decoded = Schema.decodeUnknownEither(StoredInput, { onExcessProperty: "ignore" })(task.input)
    if (Either.isLeft(decoded)) {
      return yield* new ValidationFailed({ entity: "research_task", issues: toFieldIssues(decoded.left) })
    }
    const { requestedBy, ...request } = decoded.right
    const ctx: UseCaseContext = {
      organizationId: task.organizationId,
      actor: requestedBy === undefined ? Actor.system : new Actor(requestedBy)
    }
    switch (request.kind) {
      case "find_contacts":
        return (yield* findContacts(ctx, task, request)) as ResearchResult
      case "enrich_company":
        return (yield* enrichCompany(ctx, task, request)) as ResearchResult
      case "query":
        return (yield* answerQuery(ctx, request)) as ResearchResult
      case "crawl_website":
        return (yield* withWebResearch(crawlWebsite(ctx, request.leadId, task.id))) as ResearchResult
    }
  }).pipe(Effect.withSpan("runResearchTask", { attributes: { taskId: task.id, kind: task.kind } }))

/**
 * Failures that another attempt cannot fix: the request or its lead is gone or invalid, or no model is
 * configured. A worker may mark such a task failed at once instead of retrying it.
 */
export const isPermanentResearchFailure = (error: unknown): boolean =>
  typeof error === "object" &&
  error !== null &&
  "_tag" in error &&
  ([
    "ValidationFailed",
    "LeadNotFound",
    "EntityNotFound",
    "LanguageModelNotConfigured",
    "WebResearchNotConfigured"
  ].includes(String(error._tag)) ||
    (error instanceof WebFetchFailed && !isTransientWebFetchReason(error.reason)))
