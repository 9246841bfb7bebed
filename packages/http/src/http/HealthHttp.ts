import { HttpApiBuilder } from "@effect/platform"
import { SqlClient } from "@effect/sql"
import { LanguageModel } from "@leadforge/domain"
import { Context, DateTime, Effect, Option } from "effect"
import { LeadforgeApi } from "../Api.js"
import { Health, ServerStatus, Unhealthy } from "../api/HealthApi.js"
import { KnowledgeBackend, PROBE_TIMEOUT_MS } from "./KnowledgeHttp.js"
import { mapDomainErrors } from "./problems.js"

/** What the server knows about itself, from config at start. */
export class ServerInfo extends Context.Tag("@leadforge/http/ServerInfo")<
  ServerInfo,
  {
    readonly version: string
    readonly environment: string
    readonly startedAt: number
    readonly database: "pglite" | "postgres"
    readonly vectors: "pgvector" | "qdrant"
    readonly llm: "groq" | "none"
  }
>() {}

/**
 * `SELECT 1` within PROBE_TIMEOUT_MS. A PostgreSQL server that does not answer in time counts as disconnected. The
 * embedded database lives in this process and runs one transaction at a time, so a late answer there means it is
 * busy (a long ingest or reindex), not gone: a closed PGlite fails at once instead.
 */
const probeDatabase = (database: "pglite" | "postgres") =>
  Effect.flatMap(SqlClient.SqlClient, (sql) => sql`SELECT 1`).pipe(
    Effect.timeoutFail({ duration: PROBE_TIMEOUT_MS, onTimeout: () => "late" as const }),
    Effect.match({
      onFailure: (error) => (error === "late" && database === "pglite" ? "connected" : "disconnected"),
      onSuccess: () => "connected" as const
    })
  )

export const HealthHttp = HttpApiBuilder.group(LeadforgeApi, "health", (handlers) =>
  handlers.handle("health", () =>
    Effect.gen(function* () {
      const info = yield* ServerInfo
      const vectors = yield* Effect.serviceOption(KnowledgeBackend)
      const [database, store] = yield* Effect.all(
        [probeDatabase(info.database), Option.isSome(vectors) ? vectors.value.probe : Effect.succeed(undefined)],
        { concurrency: "unbounded" }
      )
      const vectorDb = store === null ? (database === "connected" ? "connected" : "disconnected") : store
      const model = yield* Effect.serviceOption(LanguageModel)
      const llm = Option.isSome(model) ? (yield* model.value.health).status : info.llm === "groq" ? "ok" : "none"
      const health = new Health({
        status: database !== "connected" ? "unhealthy" : vectorDb === "disconnected" ? "degraded" : "healthy",
        version: info.version,
        services: {
          database,
          vector_db:
            vectorDb ??
            (info.vectors === "pgvector" ? (database === "connected" ? "available" : "disconnected") : "available"),
          llm: llm === "ok" ? "available" : "not_configured"
        },
        timestamp: yield* DateTime.now
      })
      if (database !== "connected") return yield* new Unhealthy(health)
      return health
    })
  )
)

const migrationLevel = Effect.flatMap(SqlClient.SqlClient, (sql) =>
  sql<{ readonly level: number | null }>`SELECT max(migration_id) AS level FROM leadforge_migrations`.pipe(
    Effect.map((rows) => Option.fromNullable(rows[0]?.level).pipe(Option.getOrElse(() => 0))),
    Effect.orElseSucceed(() => 0)
  )
)

export const SystemHttp = HttpApiBuilder.group(LeadforgeApi, "system", (handlers) =>
  handlers.handle("status", () =>
    Effect.gen(function* () {
      const info = yield* ServerInfo
      return new ServerStatus({
        version: info.version,
        environment: info.environment,
        uptimeSeconds: Math.round((Date.now() - info.startedAt) / 1000),
        adapters: { database: info.database, vectors: info.vectors, llm: info.llm },
        migrationLevel: Number(yield* migrationLevel)
      })
    }).pipe(mapDomainErrors)
  )
)
