import * as SqlClient from "@effect/sql/SqlClient"
import * as SqlSchema from "@effect/sql/SqlSchema"
import { Organization, OrganizationId, OrganizationRepository } from "@leadforge/domain"
import { Effect, Layer, Schema } from "effect"
import { orUnavailable } from "./errors.js"
import { fromRow } from "./rows.js"

export const OrganizationRepositorySql = Layer.effect(
  OrganizationRepository,
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const findByIdQuery = SqlSchema.findOne({
      Request: OrganizationId,
      Result: fromRow(Organization),
      execute: (id) => sql`SELECT * FROM organizations WHERE id = ${id}`
    })
    const listQuery = SqlSchema.findAll({
      Request: Schema.Int,
      Result: fromRow(Organization),
      execute: (limit) => sql`SELECT * FROM organizations ORDER BY created_at, id LIMIT ${limit}`
    })
    return OrganizationRepository.of({
      insert: Effect.fn("OrganizationRepositorySql.insert")(function* (organization: Organization) {
        yield* sql`INSERT INTO organizations ${sql.insert(Schema.encodeSync(Organization)(organization))}`
        return organization
      }, orUnavailable),
      findById: Effect.fn("OrganizationRepositorySql.findById")(
        (id: OrganizationId) => findByIdQuery(id),
        Effect.catchTag("ParseError", Effect.die),
        orUnavailable
      ),
      list: Effect.fn("OrganizationRepositorySql.list")(
        (limit: number) => listQuery(limit),
        Effect.catchTag("ParseError", Effect.die),
        orUnavailable
      ),
      count: sql<{ readonly n: number }>`SELECT count(*)::int AS n FROM organizations`.pipe(
        Effect.map((rows) => rows[0]?.n ?? 0),
        orUnavailable,
        Effect.withSpan("OrganizationRepositorySql.count")
      )
    })
  })
)
