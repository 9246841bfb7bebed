import * as SqlClient from "@effect/sql/SqlClient"
import * as SqlSchema from "@effect/sql/SqlSchema"
import { RefreshToken, RefreshTokenRepository } from "@leadforge/domain"
import { Effect, Layer, Schema } from "effect"
import { orUnavailable } from "./errors.js"
import { fromRow } from "./rows.js"

const TokenRow = fromRow(RefreshToken)

export const make = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  const insertQuery = SqlSchema.void({
    Request: RefreshToken,
    execute: (row) => sql`INSERT INTO refresh_tokens ${sql.insert(row)}`
  })

  const findQuery = SqlSchema.findOne({
    Request: Schema.String,
    Result: TokenRow,
    execute: (tokenHash) => sql`SELECT * FROM refresh_tokens WHERE token_hash = ${tokenHash}`
  })

  const markUsedQuery = SqlSchema.findAll({
    Request: Schema.Struct({ tokenHash: Schema.String, at: Schema.DateFromSelf }),
    Result: Schema.Struct({ tokenHash: Schema.String }),
    execute: ({ tokenHash, at }) => sql`
      UPDATE refresh_tokens SET used_at = ${at} WHERE token_hash = ${tokenHash} AND used_at IS NULL
      RETURNING token_hash`
  })

  const insert = Effect.fn("RefreshTokenRepositorySql.insert")(
    (token: RefreshToken) => Effect.as(insertQuery(token), token),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  const findByHash = Effect.fn("RefreshTokenRepositorySql.findByHash")(
    (tokenHash: string) => findQuery(tokenHash),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  const markUsed = Effect.fn("RefreshTokenRepositorySql.markUsed")(
    (tokenHash: string, at: Date) => Effect.map(markUsedQuery({ tokenHash, at }), (rows) => rows.length === 1),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  return RefreshTokenRepository.of({ insert, findByHash, markUsed })
})

export const RefreshTokenRepositorySql = Layer.effect(RefreshTokenRepository, make)
