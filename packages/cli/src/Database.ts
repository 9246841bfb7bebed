import type * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { Persistence, PgliteStore } from "@leadforge/adapters/pglite"
import { Postgres } from "@leadforge/adapters/postgres"
import { Config, type ConfigError, Effect, Layer, Option } from "effect"

/** Every repository, migrated to head: Postgres when DATABASE_URL is set, else PGlite in LEADFORGE_DATA_DIR. */
export const withDatabase = <A, E, R extends Persistence.Provided>(effect: Effect.Effect<A, E, R>) =>
  Effect.provide(effect, Persistence.layerFromEnv)

/** A bare SqlClient on the same database, not migrated (for `migrate --status`). */
const bareClient = Layer.unwrapEffect(
  Effect.gen(function* () {
    const url = yield* Config.option(Config.redacted("DATABASE_URL"))
    if (Option.isSome(url))
      return Postgres.layerConfig as Layer.Layer<SqlClient.SqlClient, SqlError | ConfigError.ConfigError>
    return Persistence.client(yield* PgliteStore.optionsConfig) as unknown as Layer.Layer<
      SqlClient.SqlClient,
      Persistence.PersistenceError
    >
  })
)

export const withBareClient = <A, E, R extends SqlClient.SqlClient>(effect: Effect.Effect<A, E, R>) =>
  Effect.provide(effect, bareClient)

/** Where the data lives, for messages (never prints the URL: it may carry a password). */
export const describeDatabase = Effect.gen(function* () {
  const url = yield* Config.option(Config.redacted("DATABASE_URL"))
  if (Option.isSome(url)) return "PostgreSQL (DATABASE_URL)"
  const dataDir = yield* PgliteStore.dataDirConfig
  return `embedded PGlite in ${dataDir}`
}).pipe(Effect.orElseSucceed(() => "the configured database"))
