import * as SqlClient from "@effect/sql/SqlClient"
import * as SqlSchema from "@effect/sql/SqlSchema"
import {
  EntityNotFound,
  OrganizationId,
  ResearchTask,
  ResearchTaskId,
  ResearchTaskKind,
  ResearchTaskStatus,
  TaskQueue
} from "@leadforge/domain"
import { Effect, Layer, Option, Schema } from "effect"
import { orUnavailable } from "./errors.js"
import { CursorId, CursorTimestamp, clampLimit, decodeCursor, fromRow, json, keysetPage } from "./rows.js"

/** `input`, `result` and `error` live in the `data` jsonb column. */
const TaskRow = fromRow(ResearchTask, ({ data, ...columns }) => ({ ...columns, ...(data as object) }))
const CreatedCursor = Schema.Struct({ c: CursorTimestamp, id: CursorId })

/**
 * Durable tasks as rows. A claim picks the oldest runnable row with FOR UPDATE SKIP LOCKED, so any number of
 * workers can share the table; an expired lease makes a running task claimable again.
 */
export const make = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  const claimQuery = SqlSchema.findOne({
    Request: Schema.Struct({
      workerId: Schema.String,
      leaseMs: Schema.Number,
      kinds: Schema.UndefinedOr(Schema.Array(ResearchTaskKind))
    }),
    Result: TaskRow,
    execute: ({ kinds, leaseMs, workerId }) => sql`
      UPDATE research_tasks SET
        status = 'running', attempts = attempts + 1, lease_owner = ${workerId},
        lease_expires_at = clock_timestamp() + ${leaseMs} * interval '1 millisecond', updated_at = clock_timestamp()
      WHERE id = (
        SELECT id FROM research_tasks
        WHERE ((status = 'queued' AND run_after <= clock_timestamp())
           OR (status = 'running' AND lease_expires_at <= clock_timestamp()))
          ${kinds === undefined ? sql`` : sql`AND kind = ANY(${kinds}::text[])`}
        ORDER BY run_after, created_at
        FOR UPDATE SKIP LOCKED
        LIMIT 1)
      RETURNING *`
  })

  const getQuery = SqlSchema.findOne({
    Request: Schema.Struct({ organizationId: OrganizationId, id: ResearchTaskId }),
    Result: TaskRow,
    execute: ({ id, organizationId }) =>
      sql`SELECT * FROM research_tasks WHERE organization_id = ${organizationId} AND id = ${id}`
  })

  const pageQuery = SqlSchema.findAll({
    Request: Schema.Struct({
      organizationId: OrganizationId,
      status: Schema.UndefinedOr(ResearchTaskStatus),
      kinds: Schema.UndefinedOr(Schema.Array(ResearchTaskKind)),
      after: Schema.UndefinedOr(CreatedCursor),
      limit: Schema.Int
    }),
    Result: TaskRow,
    execute: ({ after, kinds, limit, organizationId, status }) => {
      const filters = [sql`organization_id = ${organizationId}`]
      if (status !== undefined) filters.push(sql`status = ${status}`)
      if (kinds !== undefined) filters.push(sql`kind = ANY(${kinds}::text[])`)
      if (after !== undefined) {
        filters.push(sql`(created_at < ${after.c} OR (created_at = ${after.c} AND id > ${after.id}))`)
      }
      return sql`
        SELECT * FROM research_tasks WHERE ${sql.and(filters)} ORDER BY created_at DESC, id LIMIT ${limit}`
    }
  })

  const enqueue = Effect.fn("TaskQueueSql.enqueue")(function* (task: ResearchTask) {
    const { error, input, result, ...columns } = Schema.encodeSync(ResearchTask)(task)
    yield* sql`INSERT INTO research_tasks ${sql.insert({ ...columns, data: json({ input, result, error }) })}`
    return task
  }, orUnavailable)

  const claim = Effect.fn("TaskQueueSql.claim")(
    (workerId: string, leaseMs: number, kinds?: ReadonlyArray<ResearchTaskKind>) =>
      claimQuery({ workerId, leaseMs, kinds }),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  const heartbeat = Effect.fn("TaskQueueSql.heartbeat")(function* (
    id: ResearchTaskId,
    workerId: string,
    leaseMs: number
  ) {
    const rows = yield* sql`
      UPDATE research_tasks SET
        lease_expires_at = clock_timestamp() + ${leaseMs} * interval '1 millisecond', updated_at = clock_timestamp()
      WHERE id = ${id} AND status = 'running' AND lease_owner = ${workerId} AND lease_expires_at > clock_timestamp()
      RETURNING id`
    return rows.length === 1
  }, orUnavailable)

  const complete = Effect.fn("TaskQueueSql.complete")(function* (
    id: ResearchTaskId,
    workerId: string,
    result: unknown
  ) {
    yield* sql`
      UPDATE research_tasks SET
        status = 'succeeded', data = data || jsonb_build_object('result', ${json(result ?? null)}::jsonb),
        lease_owner = NULL, lease_expires_at = NULL, updated_at = clock_timestamp()
      WHERE id = ${id} AND status = 'running' AND lease_owner = ${workerId}`
  }, orUnavailable)

  const fail = Effect.fn("TaskQueueSql.fail")(function* (
    id: ResearchTaskId,
    workerId: string,
    error: string,
    retryAfterMs: number,
    options?: { readonly final?: boolean }
  ) {
    const final = options?.final === true
    yield* sql`
      UPDATE research_tasks SET
        status = CASE WHEN attempts >= max_attempts OR ${final}::boolean THEN 'failed' ELSE 'queued' END,
        data = data || jsonb_build_object('error', ${error}::text),
        run_after = clock_timestamp() + ${retryAfterMs} * interval '1 millisecond',
        lease_owner = NULL, lease_expires_at = NULL, updated_at = clock_timestamp()
      WHERE id = ${id} AND status = 'running' AND lease_owner = ${workerId}`
  }, orUnavailable)

  const get = Effect.fn("TaskQueueSql.get")(
    (organizationId: OrganizationId, id: ResearchTaskId) => getQuery({ organizationId, id }),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  const cancel = Effect.fn("TaskQueueSql.cancel")(
    function* (organizationId: OrganizationId, id: ResearchTaskId) {
      yield* sql`
        UPDATE research_tasks SET status = 'cancelled', lease_owner = NULL, lease_expires_at = NULL,
          updated_at = clock_timestamp()
        WHERE organization_id = ${organizationId} AND id = ${id} AND status IN ('queued', 'running')`
      const task = yield* getQuery({ organizationId, id })
      if (Option.isNone(task)) return yield* new EntityNotFound({ entity: "research_task", id })
      return task.value
    },
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  const list = Effect.fn("TaskQueueSql.list")(
    function* (
      organizationId: OrganizationId,
      query: {
        readonly status?: ResearchTaskStatus
        readonly kinds?: ReadonlyArray<ResearchTaskKind>
        readonly limit?: number
        readonly cursor?: string
      }
    ) {
      const limit = clampLimit(query.limit)
      const after = yield* decodeCursor(CreatedCursor, query.cursor)
      const page = yield* pageQuery({
        organizationId,
        status: query.status,
        kinds: query.kinds,
        after,
        limit: limit + 1
      })
      return keysetPage(page, limit, (last) => ({ c: last.createdAt.toISOString(), id: last.id }))
    },
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  return TaskQueue.of({ enqueue, claim, heartbeat, complete, fail, cancel, get, list })
})

export const TaskQueueSql = Layer.effect(TaskQueue, make)
