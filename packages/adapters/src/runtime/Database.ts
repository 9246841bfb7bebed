import * as fs from "node:fs"
import * as path from "node:path"
import * as SqlClient from "@effect/sql/SqlClient"
import { Effect, Layer } from "effect"
import * as PglitePersistence from "../pglite/Persistence.js"
import * as PostgresPersistence from "../postgres/Persistence.js"
import * as Postgres from "../postgres/PgPool.js"
import { migrate, migrationReport, migrations } from "../sql/migrations.js"
import type { PersistenceError, Provided } from "../sql/Persistence.js"
import { RuntimeSettings, type Settings, settingsLayer } from "./Settings.js"

export type { PersistenceError, Provided }

/** Every repository, migrated to head, on the database the settings choose. */
export const persistenceFor = (settings: Settings): Layer.Layer<Provided, PersistenceError> =>
  settings.database._tag === "Postgres"
    ? (PostgresPersistence.layer(settings.database.url) as Layer.Layer<Provided, PersistenceError>)
    : (PglitePersistence.pglite(settings.database.options) as Layer.Layer<Provided, PersistenceError>)

/**
 * ARCHITECTURE.md "Embedded default": PostgreSQL when DATABASE_URL is set (and not empty), otherwise PGlite in
 * LEADFORGE_DATA_DIR. Every repository, migrated to head.
 */
export const persistence: Layer.Layer<Provided, PersistenceError> = Layer.unwrapEffect(
  Effect.map(RuntimeSettings, persistenceFor)
).pipe(Layer.provide(settingsLayer))

/** A bare SqlClient on the same database, not migrated. */
const bareClient: Layer.Layer<SqlClient.SqlClient, PersistenceError> = Layer.unwrapEffect(
  Effect.map(RuntimeSettings, (settings) =>
    settings.database._tag === "Postgres"
      ? (Postgres.layerWithUrl(settings.database.url) as Layer.Layer<SqlClient.SqlClient, PersistenceError>)
      : (PglitePersistence.client(settings.database.options) as unknown as Layer.Layer<
          SqlClient.SqlClient,
          PersistenceError
        >)
  )
).pipe(Layer.provide(settingsLayer))

const MIGRATIONS_TABLE = "leadforge_migrations"

export interface MigrationState {
  readonly id: number
  readonly name: string
  /** ISO time it was applied, or null while pending. */
  readonly appliedAt: string | null
}

const appliedIds = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const exists = yield* sql<{ readonly name: string | null }>`SELECT to_regclass(${MIGRATIONS_TABLE})::text AS name`
  if (exists[0]?.name === null || exists[0]?.name === undefined) return new Map<number, string>()
  const rows = yield* sql<{
    readonly migrationId: number
    readonly createdAt: Date | string
  }>`SELECT migration_id, created_at FROM ${sql(MIGRATIONS_TABLE)} ORDER BY migration_id`
  return new Map(rows.map((row) => [Number(row.migrationId), new Date(row.createdAt).toISOString()]))
})

/**
 * Every known migration and whether it is applied, without applying anything, and without creating anything: an
 * embedded database whose directory does not exist yet has every migration pending, and is not opened (opening
 * it would create it).
 */
export const migrationStatus = Effect.gen(function* () {
  const settings = yield* RuntimeSettings
  const known = yield* migrations
  const absent = settings.database._tag === "Pglite" && !fs.existsSync(path.resolve(settings.database.options.dataDir))
  const applied = absent ? new Map<number, string>() : yield* Effect.provide(appliedIds, bareClient)
  return known.map(([id, name]): MigrationState => ({ id, name, appliedAt: applied.get(id) ?? null }))
}).pipe(Effect.provide(settingsLayer))

/** Applies the pending migrations; returns the ones it applied, each with what it reported (or null). */
export const migrateToHead = migrate.pipe(
  Effect.flatMap((ran) =>
    Effect.forEach(ran, ([id, name]) => Effect.map(migrationReport(id, name), (report) => ({ id, name, report })))
  ),
  Effect.provide(bareClient)
)

/** The highest migration applied (0 when none, or when the database cannot say). */
export const migrationLevel = Effect.flatMap(SqlClient.SqlClient, (sql) =>
  sql<{ readonly level: number | null }>`SELECT max(migration_id) AS level FROM leadforge_migrations`.pipe(
    Effect.map((rows) => Number(rows[0]?.level ?? 0)),
    Effect.orElseSucceed(() => 0)
  )
)
