import { Clock, Duration, Effect, Option, Schema } from "effect"
import { EntityNotFound, FieldIssue, ValidationFailed } from "../../errors.js"
import { newId, type ResearchTaskId } from "../../model/ids.js"
import { RESEARCH_KINDS, ResearchTask, type ResearchTaskStatus } from "../../model/ResearchTask.js"
import { TaskQueue } from "../../ports/TaskQueue.js"
import { homePageOf } from "../../rules/website.js"
import { audit, currentDate, loadLead, transactionally, type UseCaseContext } from "../UseCaseContext.js"
import { DEFAULT_RESEARCH_MAX_ATTEMPTS, decodeResearchRequest, ResearchRequest } from "./requests.js"

/**
 * Validates a research request and queues it as a durable task (audited in the same transaction). For the lead
 * kinds the lead must exist in the caller's organization.
 */
export const submitResearch = (ctx: UseCaseContext, input: unknown) =>
  Effect.gen(function* () {
    const request = yield* decodeResearchRequest(input)
    const lead = request.leadId === undefined ? undefined : yield* loadLead(ctx, request.leadId)
    if (
      lead !== undefined &&
      (request.kind === "crawl_website" || (request.kind === "enrich_company" && request.crawl === true)) &&
      homePageOf(lead) === null
    ) {
      return yield* new ValidationFailed({
        entity: "research_task",
        issues: [
          new FieldIssue({ field: "leadId", code: "no_website", message: "the lead has no website or domain to crawl" })
        ]
      })
    }
    const now = yield* currentDate
    const { maxAttempts, ...rest } = request
    const task = new ResearchTask({
      id: newId<ResearchTaskId>(),
      organizationId: ctx.organizationId,
      kind: request.kind,
      leadId: request.leadId ?? null,
      status: "queued",
      input: {
        ...Schema.encodeSync(ResearchRequest)(rest as ResearchRequest),
        requestedBy: { type: ctx.actor.type, id: ctx.actor.id }
      },
      result: null,
      error: null,
      attempts: 0,
      maxAttempts: maxAttempts ?? DEFAULT_RESEARCH_MAX_ATTEMPTS,
      runAfter: now,
      leaseOwner: null,
      leaseExpiresAt: null,
      createdAt: now,
      updatedAt: now
    })
    const queued = yield* (yield* TaskQueue).enqueue(task)
    yield* audit(ctx, "create", "research_task", task.id, {
      kind: task.kind,
      leadId: request.leadId ?? null,
      maxAttempts: task.maxAttempts
    })
    return queued
  }).pipe(transactionally, Effect.withSpan("submitResearch"))

/** One research task of the caller's organization, or EntityNotFound (a reindex task is not research). */
export const getResearch = (ctx: UseCaseContext, id: ResearchTaskId) =>
  Effect.flatMap(TaskQueue, (queue) => queue.get(ctx.organizationId, id)).pipe(
    Effect.map(Option.filter((task) => RESEARCH_KINDS.includes(task.kind))),
    Effect.flatMap(
      Option.match({
        onNone: () => Effect.fail(new EntityNotFound({ entity: "research_task", id })),
        onSome: (task): Effect.Effect<ResearchTask, EntityNotFound> => Effect.succeed(task)
      })
    ),
    Effect.withSpan("getResearch")
  )

/** The caller's research tasks, newest first, optionally by status; `cursor` comes from the previous page. */
export const listResearch = (
  ctx: UseCaseContext,
  query: { readonly status?: ResearchTaskStatus; readonly limit?: number; readonly cursor?: string } = {}
) =>
  Effect.flatMap(TaskQueue, (queue) => queue.list(ctx.organizationId, { ...query, kinds: RESEARCH_KINDS })).pipe(
    Effect.withSpan("listResearch")
  )

/** Statuses a task never leaves. */
export const isResearchFinished = (status: ResearchTaskStatus): boolean =>
  status === "succeeded" || status === "failed" || status === "cancelled"

/**
 * Polls a task until it is finished or `timeout` has passed (for `?wait=30s`); returns the task as it then is,
 * finished or not. Some worker (in this process or another) must be running for it to finish.
 */
export const waitForResearch = (
  ctx: UseCaseContext,
  id: ResearchTaskId,
  options: { readonly timeout: Duration.DurationInput; readonly interval?: Duration.DurationInput }
) =>
  Effect.gen(function* () {
    const deadline = (yield* Clock.currentTimeMillis) + Duration.toMillis(options.timeout)
    const interval = Duration.toMillis(options.interval ?? "100 millis")
    while (true) {
      const task = yield* getResearch(ctx, id)
      const now = yield* Clock.currentTimeMillis
      if (isResearchFinished(task.status) || now >= deadline) return task
      yield* Effect.sleep(Duration.millis(Math.min(interval, deadline - now)))
    }
  }).pipe(Effect.withSpan("waitForResearch"))

/**
 * Cancels a queued or running task (a running one stops at its worker's next heartbeat). Cancelling a finished
 * task changes nothing and returns it as it is; only a real change is audited.
 */
export const cancelResearch = (ctx: UseCaseContext, id: ResearchTaskId) =>
  Effect.gen(function* () {
    const before = yield* getResearch(ctx, id)
    const after = yield* (yield* TaskQueue).cancel(ctx.organizationId, id)
    if (before.status !== after.status) {
      yield* audit(ctx, "status_change", "research_task", id, { from: before.status, to: after.status })
    }
    return after
  }).pipe(Effect.withSpan("cancelResearch"))
