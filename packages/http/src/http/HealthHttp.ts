import { HttpApiBuilder } from "@effect/platform"
import { SqlClient } from "@effect/sql"
import { LanguageModel } from "@leadforge/domain"
import { Context, DateTime, Effect, Option } from "effect"
import { LeadforgeApi } from "../Api.js"
import { Health, ServerStatus, Unhealthy } from "../api/HealthApi.js"
import { KnowledgeBackend } from "./KnowledgeHttp.js"
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

const PROBE_TIMEOUT = "800 millis"

const probeDatabase = Effect.flatMap(SqlClient.SqlClient, (sql) => sql`SELECT 1`).pipe(
  Effect.timeout(PROBE_TIMEOUT),
  Effect.match({ onFailure: () => "disconnected" as const, onSuccess: () => "connected" as const })
)

export const HealthHttp = HttpApiBuilder.group(LeadforgeApi, "health", (handlers) =>
  handlers.handle("health", () =>
    Effect.gen(function* () {
      const info = yield* ServerInfo
      const database = yield* probeDatabase
      const vectors = yield* Effect.serviceOption(KnowledgeBackend)
      const vectorDb = Option.isSome(vectors) ? yield* vectors.value.probe(database) : undefined
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
