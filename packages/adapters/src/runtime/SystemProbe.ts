import * as SqlClient from "@effect/sql/SqlClient"
import { KnowledgeBackend, SystemProbe } from "@leadforge/domain"
import { type ConfigError, Effect, Layer } from "effect"
import { migrationLevel } from "./Database.js"
import { PROBE_TIMEOUT_MS } from "./Knowledge.js"
import { backendsOf, RuntimeSettings, settingsLayer } from "./Settings.js"

/** The version /health and /status report. */
export const VERSION = "0.1.0"

/**
 * The embedded database lives in this process and runs one transaction at a time, so a late answer there means it is
 * busy (a long ingest or reindex holds it), not gone: a closed PGlite fails at once instead. So its probe waits only
 * this long before it counts the database as connected, and /health does not queue behind a long write.
 */
export const PGLITE_PROBE_TIMEOUT_MS = 25

/** `SELECT 1` within PROBE_TIMEOUT_MS: a PostgreSQL server that does not answer in time counts as disconnected. */
const probeDatabase = (sql: SqlClient.SqlClient, database: "pglite" | "postgres") =>
  sql`SELECT 1`.pipe(
    Effect.timeoutFail({
      duration: database === "pglite" ? PGLITE_PROBE_TIMEOUT_MS : PROBE_TIMEOUT_MS,
      onTimeout: () => "late" as const
    }),
    Effect.match({
      onFailure: (error) => (error === "late" && database === "pglite" ? "connected" : "disconnected"),
      onSuccess: () => "connected" as const
    })
  )

/** What the process reports about itself: chosen backends, and probes of the database and the vector store. */
export const systemProbe: Layer.Layer<SystemProbe, ConfigError.ConfigError, SqlClient.SqlClient | KnowledgeBackend> =
  Layer.effect(
    SystemProbe,
    Effect.gen(function* () {
      const settings = yield* RuntimeSettings
      const sql = yield* SqlClient.SqlClient
      const knowledge = yield* KnowledgeBackend
      const backends = backendsOf(settings)
      return SystemProbe.of({
        version: VERSION,
        environment: settings.environment,
        startedAt: Date.now(),
        backends,
        database: probeDatabase(sql, backends.database),
        vectorStore: knowledge.probe,
        migrationLevel: Effect.provideService(migrationLevel, SqlClient.SqlClient, sql)
      })
    })
  ).pipe(Layer.provide(settingsLayer))
