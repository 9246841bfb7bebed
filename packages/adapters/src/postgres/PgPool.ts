import type * as SqlClient from "@effect/sql/SqlClient"
import { Config, Context, Duration, Effect, Layer, Redacted } from "effect"
import pg from "pg"
import { camelToSnake, snakeToCamel } from "../sql/names.js"
import * as PgSqlClient from "./PgSqlClient.js"

/** The pg.Pool behind the SqlClient, for COPY through pg-copy-streams. */
export class PgPool extends Context.Tag("@leadforge/adapters/postgres/PgPool")<PgPool, pg.Pool>() {}

export interface PostgresOptions {
  readonly url: Redacted.Redacted
  readonly poolSize?: number | undefined
  readonly statementTimeout?: Duration.DurationInput | undefined
  readonly connectTimeout?: Duration.DurationInput | undefined
}

export const makePool = (options: PostgresOptions) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const statementTimeout = Duration.toMillis(options.statementTimeout ?? Duration.seconds(30))
      const pool = new pg.Pool({
        connectionString: Redacted.value(options.url),
        max: options.poolSize ?? 10,
        connectionTimeoutMillis: Duration.toMillis(options.connectTimeout ?? Duration.seconds(5)),
        statement_timeout: statementTimeout,
        // a client-side bound as well, so a dead server cannot hang a query
        query_timeout: statementTimeout + 5_000,
        application_name: "leadforge"
      })
      // idle clients losing their connection must not crash the process; the next query reports it
      pool.on("error", () => {})
      return pool
    }),
    // interruptible, or the timeout would wait for pool.end() anyway (a release runs uninterruptibly)
    (pool) => Effect.promise(() => pool.end()).pipe(Effect.interruptible, Effect.timeoutOption(2_000))
  )

/**
 * SqlClient over a pool we create, with camelCase ↔ snake_case names. The client is ours (PgSqlClient), not
 * @effect/sql-pg's, so that an interrupted request's transaction ends at once (see PgSqlClient).
 */
export const layer = (options: PostgresOptions): Layer.Layer<PgPool | SqlClient.SqlClient> =>
  Layer.unwrapScoped(
    Effect.map(makePool(options), (pool) =>
      PgSqlClient.layer(pool, { transformQueryNames: camelToSnake, transformResultNames: snakeToCamel }).pipe(
        Layer.merge(Layer.succeed(PgPool, pool))
      )
    )
  )

/** The pool's tuning: `DATABASE_POOL_SIZE` (10), `DATABASE_STATEMENT_TIMEOUT` (30 seconds). */
export const tuningConfig = Config.all({
  poolSize: Config.integer("DATABASE_POOL_SIZE").pipe(Config.withDefault(10)),
  statementTimeout: Config.duration("DATABASE_STATEMENT_TIMEOUT").pipe(Config.withDefault(Duration.seconds(30)))
})

/** `DATABASE_URL` and the tuning settings. */
export const config = Config.all({ url: Config.redacted("DATABASE_URL"), tuning: tuningConfig }).pipe(
  Config.map(({ tuning, url }): PostgresOptions => ({ url, ...tuning }))
)

/** The pool for `url`, tuned from the environment. */
export const layerWithUrl = (url: Redacted.Redacted) =>
  Layer.unwrapEffect(Effect.map(tuningConfig, (tuning) => layer({ url, ...tuning })))

export const layerConfig = Layer.unwrapEffect(Effect.map(config, layer))
