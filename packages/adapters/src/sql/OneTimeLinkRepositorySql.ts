import * as SqlClient from "@effect/sql/SqlClient"
import * as SqlSchema from "@effect/sql/SqlSchema"
import { OneTimeLink, OneTimeLinkId, OneTimeLinkRepository } from "@leadforge/domain"
import { Effect, Layer, Schema } from "effect"
import { orUnavailable } from "./errors.js"
import { fromRow } from "./rows.js"

const LinkRow = fromRow(OneTimeLink)

export const make = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  const insertQuery = SqlSchema.void({
    Request: OneTimeLink,
    execute: (row) => sql`INSERT INTO one_time_links ${sql.insert(row)}`
  })

  const findQuery = SqlSchema.findOne({
    Request: Schema.String,
    Result: LinkRow,
    execute: (tokenHash) => sql`SELECT * FROM one_time_links WHERE token_hash = ${tokenHash}`
  })

  const markUsedQuery = SqlSchema.findAll({
    Request: Schema.Struct({ id: OneTimeLinkId, at: Schema.DateFromSelf }),
    Result: Schema.Struct({ id: Schema.String }),
    execute: ({ id, at }) =>
      sql`UPDATE one_time_links SET used_at = ${at} WHERE id = ${id} AND used_at IS NULL RETURNING id`
  })

  const insert = Effect.fn("OneTimeLinkRepositorySql.insert")(
    (link: OneTimeLink) => Effect.as(insertQuery(link), link),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  const findByTokenHash = Effect.fn("OneTimeLinkRepositorySql.findByTokenHash")(
    (tokenHash: string) => findQuery(tokenHash),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  const markUsed = Effect.fn("OneTimeLinkRepositorySql.markUsed")(
    (id: OneTimeLinkId, at: Date) => Effect.map(markUsedQuery({ id, at }), (rows) => rows.length === 1),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  return OneTimeLinkRepository.of({ insert, findByTokenHash, markUsed })
})

export const OneTimeLinkRepositorySql = Layer.effect(OneTimeLinkRepository, make)
