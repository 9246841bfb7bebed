import * as SqlClient from "@effect/sql/SqlClient"
import * as SqlSchema from "@effect/sql/SqlSchema"
import { Organization, OrganizationId, OrganizationRepository } from "@leadforge/domain"
import { Effect, Layer, Schema } from "effect"
import { orUnavailable } from "./errors.js"
import { fromRow } from "./rows.js"

const OrganizationRow = fromRow(Organization)

export const make = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  const insertQuery = SqlSchema.void({
    Request: Organization,
    execute: (row) => sql`INSERT INTO organizations ${sql.insert(row)}`
  })

  const findByIdQuery = SqlSchema.findOne({
    Request: OrganizationId,
    Result: OrganizationRow,
    execute: (id) => sql`SELECT * FROM organizations WHERE id = ${id}`
  })

  const listQuery = SqlSchema.findAll({
    Request: Schema.Int,
    Result: OrganizationRow,
    execute: (limit) => sql`SELECT * FROM organizations ORDER BY created_at, id LIMIT ${limit}`
  })

  const countQuery = SqlSchema.single({
    Request: Schema.Void,
    Result: Schema.Struct({ n: Schema.Number }),
    execute: () => sql`SELECT count(*)::int AS n FROM organizations`
  })

  const insert = Effect.fn("OrganizationRepositorySql.insert")(
    (organization: Organization) => Effect.as(insertQuery(organization), organization),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  const findById = Effect.fn("OrganizationRepositorySql.findById")(
    (id: OrganizationId) => findByIdQuery(id),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  const list = Effect.fn("OrganizationRepositorySql.list")(
    (limit: number) => listQuery(limit),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  // a member, not a method: the span goes around the one Effect
  const count = countQuery(undefined).pipe(
    Effect.map((row) => row.n),
    Effect.catchTags({ ParseError: Effect.die, NoSuchElementException: Effect.die }),
    orUnavailable,
    Effect.withSpan("OrganizationRepositorySql.count")
  )

  return OrganizationRepository.of({ insert, findById, list, count })
})

export const OrganizationRepositorySql = Layer.effect(OrganizationRepository, make)
