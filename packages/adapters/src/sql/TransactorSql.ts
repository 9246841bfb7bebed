import * as SqlClient from "@effect/sql/SqlClient"
import { Transactor } from "@leadforge/domain"
import { Effect, Layer } from "effect"
import { orUnavailable } from "./errors.js"

/** Repository writes inside `withTransaction` share one connection and commit or roll back together. */
export const TransactorSql = Layer.effect(
  Transactor,
  Effect.map(SqlClient.SqlClient, (sql) =>
    Transactor.of({
      withTransaction: (effect) =>
        orUnavailable(sql.withTransaction(effect)).pipe(Effect.withSpan("TransactorSql.withTransaction"))
    })
  )
)
