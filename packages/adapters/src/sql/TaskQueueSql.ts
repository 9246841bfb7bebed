import * as SqlClient from "@effect/sql/SqlClient"
import {
  EntityNotFound,
  type OrganizationId,
  ResearchTask,
  type ResearchTaskId,
  type ResearchTaskStatus,
  TaskQueue
} from "@leadforge/domain"
import { Effect, Layer, Option, Schema } from "effect"
import { orUnavailable } from "./errors.js"
import { CursorId, CursorTimestamp, clampLimit, decodeCursor, encodeCursor, fromRow, json } from "./rows.js"

const TaskRow = fromRow(ResearchTask)
const CreatedCursor = Schema.Struct({ c: CursorTimestamp, id: CursorId })

/**
 * Durable tasks as rows. A claim picks the oldest runnable row with FOR UPDATE SKIP LOCKED, so any number of
 * workers can share the table; an expired lease makes a running task claimable again. `input`, `result` and
 * `error` live in the `data` jsonb column.
 */
export const TaskQueueSql = Layer.effect(
  TaskQueue,
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const decodeTasks = (rows: ReadonlyArray<Record<string, unknown>>) =>
      Effect.forEach(rows, ({ data, ...rest }) => Schema.decodeUnknown(TaskRow)({ ...rest, ...(data as object) })).pipe(
        Effect.orDie
      )
    const one = (rows: ReadonlyArray<Record<string, unknown>>) =>
      Effect.map(decodeTasks(rows), (tasks) => Option.fromNullable(tasks[0]))

    const enqueue = Effect.fn("TaskQueueSql.enqueue")(function* (task: ResearchTask) {
      const e = Schema.encodeSync(ResearchTask)(task)
      const { input, result, error, ...columns } = e
      yield* sql`INSERT INTO research_tasks ${sql.insert({ ...columns, data: json({ input, result, error }) })}`
      return task
    }, orUnavailable)

    const claim = Effect.fn("TaskQueueSql.claim")(function* (workerId: string, leaseMs: number) {
      const rows = yield* sql<Record<string, unknown>>`
        UPDATE research_tasks SET
          status = 'running', attempts = attempts + 1, lease_owner = ${workerId},
          lease_expires_at = clock_timestamp() + ${leaseMs} * interval '1 millisecond', updated_at = clock_timestamp()
        WHERE id = (
          SELECT id FROM research_tasks
          WHERE (status = 'queued' AND run_after <= clock_timestamp())
             OR (status = 'running' AND lease_expires_at <= clock_timestamp())
          ORDER BY run_after, created_at
          FOR UPDATE SKIP LOCKED
          LIMIT 1)
        RETURNING *`
      return yield* one(rows)
    }, orUnavailable)

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

    const get = Effect.fn("TaskQueueSql.get")(function* (organizationId: OrganizationId, id: ResearchTaskId) {
      const rows = yield* sql<Record<string, unknown>>`
        SELECT * FROM research_tasks WHERE organization_id = ${organizationId} AND id = ${id}`
      return yield* one(rows)
    }, orUnavailable)

    const cancel = Effect.fn("TaskQueueSql.cancel")(function* (organizationId: OrganizationId, id: ResearchTaskId) {
      yield* sql`
        UPDATE research_tasks SET status = 'cancelled', lease_owner = NULL, lease_expires_at = NULL,
          updated_at = clock_timestamp()
        WHERE organization_id = ${organizationId} AND id = ${id} AND status IN ('queued', 'running')`
      const task = yield* get(organizationId, id)
      if (Option.isNone(task)) return yield* new EntityNotFound({ entity: "research_task", id })
      return task.value
    }, orUnavailable)

    const list = Effect.fn("TaskQueueSql.list")(function* (
      organizationId: OrganizationId,
      query: { readonly status?: ResearchTaskStatus; readonly limit?: number; readonly cursor?: string }
    ) {
      const limit = clampLimit(query.limit)
      const after = yield* decodeCursor(CreatedCursor, query.cursor)
      const filters = [sql`organization_id = ${organizationId}`]
      if (query.status !== undefined) filters.push(sql`status = ${query.status}`)
      if (after !== undefined) {
        filters.push(sql`(created_at < ${after.c} OR (created_at = ${after.c} AND id > ${after.id}))`)
      }
      const rows = yield* sql<Record<string, unknown>>`
        SELECT * FROM research_tasks WHERE ${sql.and(filters)} ORDER BY created_at DESC, id LIMIT ${limit + 1}`
      const tasks = yield* decodeTasks(rows)
      const items = tasks.slice(0, limit)
      const last = items.at(-1)
      return {
        items,
        nextCursor:
          tasks.length > limit && last !== undefined
            ? encodeCursor({ c: last.createdAt.toISOString(), id: last.id })
            : null
      }
    }, orUnavailable)

    return TaskQueue.of({ enqueue, claim, heartbeat, complete, fail, cancel, get, list })
  })
)
