import type * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { Config, type ConfigError, Effect, Layer, Option } from "effect"
import { Postgres } from "../postgres/index.js"
import { camelToSnake, snakeToCamel } from "../sql/names.js"
import * as SqlPersistence from "../sql/Persistence.js"
import * as Database from "./Database.js"
import * as PgliteClient from "./PgliteClient.js"

/** SqlClient over PGlite in `dataDir` with the same camelCase ↔ snake_case names as the Postgres client. */
export const client = (options: Database.Options) =>
  PgliteClient.layer({ transformQueryNames: camelToSnake, transformResultNames: snakeToCamel }).pipe(
    Layer.provideMerge(Database.layer(options))
  )

/** Every repository on the embedded database, migrated to head. */
export const pglite = (options: Database.Options) => SqlPersistence.layer.pipe(Layer.provideMerge(client(options)))

/** Every repository on PostgreSQL from DATABASE_URL, migrated to head. */
export const postgres = SqlPersistence.layer.pipe(Layer.provideMerge(Postgres.layerConfig))

/**
 * ARCHITECTURE.md "Embedded default": Postgres when DATABASE_URL is set, otherwise PGlite in LEADFORGE_DATA_DIR
 * (with LEADFORGE_PGLITE_SHARED_BUFFERS when set).
 */
export const layerFromEnv = Layer.unwrapEffect(
  Effect.gen(function* () {
    const url = yield* Config.option(Config.redacted("DATABASE_URL"))
    if (Option.isSome(url)) return postgres as Layer.Layer<Provided, PersistenceError>
    return pglite(yield* Database.optionsConfig) as Layer.Layer<Provided, PersistenceError>
  })
)

export type Provided = Layer.Layer.Success<typeof SqlPersistence.repositories> | SqlClient.SqlClient
export type PersistenceError = Database.DataDirLocked | Database.PgliteOpenFailed | SqlError | ConfigError.ConfigError
