import * as SqlClient from "@effect/sql/SqlClient"
import * as SqlSchema from "@effect/sql/SqlSchema"
import { EntityNotFound, type ListQuery, OrganizationId, UniqueConflict, VersionConflict } from "@leadforge/domain"
import { Effect, Option, Schema } from "effect"
import { orUnavailable } from "./errors.js"
import { CursorId, CursorTimestamp, clampLimit, decodeCursor, json, keysetPage } from "./rows.js"

interface Versioned {
  readonly id: string
  readonly organizationId: OrganizationId
  readonly name: string
  readonly createdAt: Date
  readonly updatedAt: Date
  readonly version: number
}

const CreatedCursor = Schema.Struct({ c: CursorTimestamp, id: CursorId })
const IdRow = Schema.Struct({ id: Schema.String })
const VersionRow = Schema.Struct({ version: Schema.Number })
const ById = Schema.Struct({ organizationId: OrganizationId, id: Schema.String })

/**
 * A versioned, organization-scoped repository whose rows keep the whole encoded entity in `data` (jsonb) next to
 * the columns that are indexed. `table` is a constant of the calling module, never user input; `adapter` names the
 * spans (`${adapter}.insert`, …).
 */
export const makeCrud = <A extends Versioned, I>(options: {
  readonly adapter: "CampaignRepositorySql" | "ProductRepositorySql"
  readonly table: "campaigns" | "products"
  readonly entity: string
  readonly schema: Schema.Schema<A, I>
  readonly extraColumns: (a: A) => Record<string, unknown>
}) =>
  Effect.gen(function* () {
    const { adapter, entity, extraColumns, schema } = options
    const sql = yield* SqlClient.SqlClient
    const table = sql(options.table)
    const encode = Schema.encodeSync(schema)
    /** The row decoder: the entity is its `data` column. */
    const DataRow = Schema.pluck(Schema.Struct({ data: schema }), "data")

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

    /** Another row of the organization with `a`'s name, ignoring case. */
    const sameNameQuery = SqlSchema.findOne({
      Request: Schema.Struct({ organizationId: OrganizationId, id: Schema.String, name: Schema.String }),
      Result: IdRow,
      execute: ({ id, name, organizationId }) => sql`
        SELECT id FROM ${table} WHERE organization_id = ${organizationId} AND lower(name) = lower(${name})
          AND id <> ${id} LIMIT 1`
    })
    const sameName = (a: A) =>
      Effect.map(
        sameNameQuery({ organizationId: a.organizationId, id: a.id, name: a.name }),
        Option.map((row) => new UniqueConflict({ entity, field: "name", existingId: row.id }))
      )

    const versionQuery = SqlSchema.findOne({
      Request: ById,
      Result: VersionRow,
      execute: ({ id, organizationId }) =>
        sql`SELECT version FROM ${table} WHERE organization_id = ${organizationId} AND id = ${id}`
    })

    const findByIdQuery = SqlSchema.findOne({
      Request: ById,
      Result: DataRow,
      execute: ({ id, organizationId }) =>
        sql`SELECT data FROM ${table} WHERE organization_id = ${organizationId} AND id = ${id}`
    })

    const pageQuery = SqlSchema.findAll({
      Request: Schema.Struct({
        organizationId: OrganizationId,
        after: Schema.UndefinedOr(CreatedCursor),
        limit: Schema.Int
      }),
      Result: DataRow,
      execute: ({ after, limit, organizationId }) => sql`
        SELECT data FROM ${table}
        WHERE organization_id = ${organizationId}
          AND ${after === undefined ? sql.literal("TRUE") : sql`(created_at < ${after.c} OR (created_at = ${after.c} AND id > ${after.id}))`}
        ORDER BY created_at DESC, id LIMIT ${limit}`
    })

    const insert = Effect.fn(`${adapter}.insert`)(
      function* (a: A) {
        const rows = yield* sql`INSERT INTO ${table} ${sql.insert(columns(a))} ON CONFLICT DO NOTHING RETURNING id`
        if (rows.length === 1) return a
        const conflict = yield* sameName(a)
        return yield* Option.getOrElse(conflict, () => new UniqueConflict({ entity, field: "id", existingId: a.id }))
      },
      Effect.catchTag("ParseError", Effect.die),
      orUnavailable
    )

    const update = Effect.fn(`${adapter}.update`)(
      function* (a: A) {
        const conflict = yield* sameName(a)
        if (Option.isSome(conflict)) return yield* conflict.value
        const { id: _id, organizationId: _org, createdAt: _created, ...changes } = columns(a)
        const rows = yield* sql`
          UPDATE ${table} SET ${sql.update(changes)}
          WHERE organization_id = ${a.organizationId} AND id = ${a.id} AND version = ${a.version - 1} RETURNING id`
        if (rows.length === 1) return a
        const current = yield* versionQuery({ organizationId: a.organizationId, id: a.id })
        if (Option.isNone(current)) return yield* new EntityNotFound({ entity, id: a.id })
        return yield* new VersionConflict({
          entity,
          id: a.id,
          expectedVersion: a.version - 1,
          actualVersion: current.value.version
        })
      },
      Effect.catchTag("ParseError", Effect.die),
      orUnavailable
    )

    const findById = Effect.fn(`${adapter}.findById`)(
      (organizationId: OrganizationId, id: string) => findByIdQuery({ organizationId, id }),
      Effect.catchTag("ParseError", Effect.die),
      orUnavailable
    )

    const list = Effect.fn(`${adapter}.list`)(
      function* (organizationId: OrganizationId, query: ListQuery) {
        const limit = clampLimit(query.limit)
        const after = yield* decodeCursor(CreatedCursor, query.cursor)
        const page = yield* pageQuery({ organizationId, after, limit: limit + 1 })
        return keysetPage(page, limit, (last) => ({ c: last.createdAt.toISOString(), id: last.id }))
      },
      Effect.catchTag("ParseError", Effect.die),
      orUnavailable
    )

    const remove = Effect.fn(`${adapter}.delete`)(function* (organizationId: OrganizationId, id: string) {
      const rows =
        yield* sql`DELETE FROM ${table} WHERE organization_id = ${organizationId} AND id = ${id} RETURNING id`
      if (rows.length === 0) return yield* new EntityNotFound({ entity, id })
    }, orUnavailable)

    return { insert, update, findById, list, delete: remove }
  })
