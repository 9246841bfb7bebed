import * as SqlClient from "@effect/sql/SqlClient"
import { EntityNotFound, type ListQuery, type OrganizationId, UniqueConflict, VersionConflict } from "@leadforge/domain"
import { Effect, Option, Schema } from "effect"
import { orUnavailable } from "./errors.js"
import { CursorId, CursorTimestamp, clampLimit, decodeCursor, encodeCursor, json } from "./rows.js"

interface Versioned {
  readonly id: string
  readonly organizationId: OrganizationId
  readonly name: string
  readonly createdAt: Date
  readonly updatedAt: Date
  readonly version: number
}

const CreatedCursor = Schema.Struct({ c: CursorTimestamp, id: CursorId })

/**
 * A versioned, organization-scoped repository whose rows keep the whole encoded entity in `data` (jsonb) next to
 * the columns that are indexed. `table` and `entity` are constants of this module, never user input.
 */
export const makeCrud = <A extends Versioned, I>(
  table: "campaigns" | "products",
  entity: string,
  schema: Schema.Schema<A, I>,
  extraColumns: (a: A) => Record<string, unknown>
) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const decode = Schema.decodeUnknown(schema)
    const encode = Schema.encodeSync(schema)
    const span = (method: string) => `${entity === "campaign" ? "Campaign" : "Product"}RepositorySql.${method}`
    const columns = (a: A) => ({
      id: a.id,
      organizationId: a.organizationId,
      name: a.name,
      data: json(encode(a)),
      createdAt: a.createdAt.toISOString(),
      updatedAt: a.updatedAt.toISOString(),
      version: a.version,
      ...extraColumns(a)
    })
    const sameName = (a: A) =>
      sql<{ readonly id: string }>`
        SELECT id FROM ${sql(table)} WHERE organization_id = ${a.organizationId} AND lower(name) = lower(${a.name})
          AND id <> ${a.id} LIMIT 1`.pipe(
        Effect.map((rows) =>
          Option.map(
            Option.fromNullable(rows[0]),
            (r) => new UniqueConflict({ entity, field: "name", existingId: r.id })
          )
        )
      )
    const decodeRow = (rows: ReadonlyArray<{ readonly data: unknown }>) =>
      Effect.forEach(rows, (row) => decode(row.data)).pipe(Effect.orDie)

    const insert = Effect.fn(span("insert"))(function* (a: A) {
      const rows = yield* sql`INSERT INTO ${sql(table)} ${sql.insert(columns(a))} ON CONFLICT DO NOTHING RETURNING id`
      if (rows.length === 1) return a
      const conflict = yield* sameName(a)
      return yield* Option.getOrElse(conflict, () => new UniqueConflict({ entity, field: "id", existingId: a.id }))
    }, orUnavailable)

    const update = Effect.fn(span("update"))(function* (a: A) {
      const conflict = yield* sameName(a)
      if (Option.isSome(conflict)) return yield* conflict.value
      const { id: _id, organizationId: _org, createdAt: _created, ...changes } = columns(a)
      const rows = yield* sql`
        UPDATE ${sql(table)} SET ${sql.update(changes)}
        WHERE organization_id = ${a.organizationId} AND id = ${a.id} AND version = ${a.version - 1} RETURNING id`
      if (rows.length === 1) return a
      const current = yield* sql<{ readonly version: number }>`
        SELECT version FROM ${sql(table)} WHERE organization_id = ${a.organizationId} AND id = ${a.id}`
      if (current[0] === undefined) return yield* new EntityNotFound({ entity, id: a.id })
      return yield* new VersionConflict({
        entity,
        id: a.id,
        expectedVersion: a.version - 1,
        actualVersion: current[0].version
      })
    }, orUnavailable)

    const findById = Effect.fn(span("findById"))(function* (organizationId: OrganizationId, id: string) {
      const rows = yield* sql<{ readonly data: unknown }>`
        SELECT data FROM ${sql(table)} WHERE organization_id = ${organizationId} AND id = ${id}`
      return Option.fromNullable((yield* decodeRow(rows))[0])
    }, orUnavailable)

    const list = Effect.fn(span("list"))(function* (organizationId: OrganizationId, query: ListQuery) {
      const limit = clampLimit(query.limit)
      const after = yield* decodeCursor(CreatedCursor, query.cursor)
      const rows = yield* sql<{ readonly data: unknown }>`
        SELECT data FROM ${sql(table)}
        WHERE organization_id = ${organizationId}
          AND ${after === undefined ? sql.literal("TRUE") : sql`(created_at < ${after.c} OR (created_at = ${after.c} AND id > ${after.id}))`}
        ORDER BY created_at DESC, id LIMIT ${limit + 1}`
      const all = yield* decodeRow(rows)
      const items = all.slice(0, limit)
      const last = items.at(-1)
      return {
        items,
        nextCursor:
          all.length > limit && last !== undefined
            ? encodeCursor({ c: last.createdAt.toISOString(), id: last.id })
            : null
      }
    }, orUnavailable)

    const remove = Effect.fn(span("delete"))(function* (organizationId: OrganizationId, id: string) {
      const rows =
        yield* sql`DELETE FROM ${sql(table)} WHERE organization_id = ${organizationId} AND id = ${id} RETURNING id`
      if (rows.length === 0) return yield* new EntityNotFound({ entity, id })
    }, orUnavailable)

    return { insert, update, findById, list, delete: remove }
  })
