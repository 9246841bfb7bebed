import { Effect, Option, Schema } from "effect"
import { EntityNotFound } from "../errors.js"
import { Actor } from "../model/common.js"
import { newId, type ResearchTaskId } from "../model/ids.js"
import { ResearchTask } from "../model/ResearchTask.js"
import { TaskQueue } from "../ports/TaskQueue.js"
import { reindexOrganization } from "./knowledgeLeads.js"
import { currentDate, type UseCaseContext } from "./UseCaseContext.js"

/** Attempts of a reindex task before it is marked failed. */
export const REINDEX_MAX_ATTEMPTS = 3

/** The one kind a reindex worker claims. */
export const REINDEX_KINDS = ["reindex"] as const

const ReindexInput = Schema.Struct({
  requestedBy: Schema.optional(Schema.Struct({ type: Actor.fields.type, id: Schema.String }))
})

/**
 * Queues a rebuild of the organization's vector index (every document chunk and lead, re-embedded) as a durable
 * task that a worker runs, and returns it at once. A reindex already queued for the organization (not yet started)
 * is returned instead of a second one: it will see everything the new request would.
 */
export const submitReindex = (ctx: UseCaseContext) =>
  Effect.gen(function* () {
    const queue = yield* TaskQueue
    const waiting = yield* queue.list(ctx.organizationId, { status: "queued", kinds: REINDEX_KINDS, limit: 1 })
    if (waiting.items[0] !== undefined) return waiting.items[0]
    const now = yield* currentDate
    return yield* queue.enqueue(
      new ResearchTask({
        id: newId<ResearchTaskId>(),
        organizationId: ctx.organizationId,
        kind: "reindex",
        leadId: null,
        status: "queued",
        input: { requestedBy: { type: ctx.actor.type, id: ctx.actor.id } },
        result: null,
        error: null,
        attempts: 0,
        maxAttempts: REINDEX_MAX_ATTEMPTS,
        runAfter: now,
        leaseOwner: null,
        leaseExpiresAt: null,
        createdAt: now,
        updatedAt: now
      })
    )
  }).pipe(Effect.withSpan("submitReindex"))

/** One reindex task of the caller's organization, or EntityNotFound. */
export const getReindex = (ctx: UseCaseContext, id: ResearchTaskId) =>
  Effect.flatMap(TaskQueue, (queue) => queue.get(ctx.organizationId, id)).pipe(
    Effect.map(Option.filter((task) => task.kind === "reindex")),
    Effect.flatMap(
      Option.match({
        onNone: () => Effect.fail(new EntityNotFound({ entity: "reindex task", id })),
        onSome: (task): Effect.Effect<ResearchTask, EntityNotFound> => Effect.succeed(task)
      })
    ),
    Effect.withSpan("getReindex")
  )

/** Runs a claimed reindex task as the one who asked for it; the counts it reindexed are the task's result. */
export const runReindexTask = (task: ResearchTask) =>
  Effect.gen(function* () {
    const requestedBy = Schema.decodeUnknownOption(ReindexInput)(task.input).pipe(
      Option.flatMapNullable((input) => input.requestedBy)
    )
    const ctx: UseCaseContext = {
      organizationId: task.organizationId,
      actor: Option.match(requestedBy, { onNone: () => Actor.system, onSome: (actor) => new Actor(actor) })
    }
    return yield* reindexOrganization(ctx)
  }).pipe(Effect.withSpan("runReindexTask", { attributes: { taskId: task.id } }))

/** An index built by another embedder cannot be fixed by another attempt (`leadforge reindex` drops and rebuilds it). */
export const isPermanentReindexFailure = (error: unknown): boolean =>
  typeof error === "object" && error !== null && "_tag" in error && error._tag === "IndexMismatch"
