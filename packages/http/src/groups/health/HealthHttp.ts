import { HttpApiBuilder } from "@effect/platform"
import { LanguageModel, SystemProbe } from "@leadforge/domain"
import { DateTime, Effect, Option } from "effect"
import { LeadforgeApi } from "../../Api.js"
import { Health, Unhealthy } from "./HealthApi.js"

export const HealthHttp = HttpApiBuilder.group(LeadforgeApi, "health", (handlers) =>
  handlers.handle("health", () =>
    Effect.gen(function* () {
      const probe = yield* SystemProbe
      const [database, store] = yield* Effect.all([probe.database, probe.vectorStore], { concurrency: "unbounded" })
      // null: the vectors live in the database (pgvector), so their state is the database's
      const vectorDb = store === null ? (database === "connected" ? "connected" : "disconnected") : store
      const model = yield* Effect.serviceOption(LanguageModel)
      const llm = Option.isSome(model)
        ? (yield* model.value.health).status
        : probe.backends.llm === "groq"
          ? "ok"
          : "none"
      const health = new Health({
        status: database !== "connected" ? "unhealthy" : vectorDb === "disconnected" ? "degraded" : "healthy",
        version: probe.version,
        services: {
          database,
          vector_db: vectorDb,
          llm: llm === "ok" ? "available" : "not_configured"
        },
        timestamp: yield* DateTime.now
      })
      if (database !== "connected") return yield* new Unhealthy(health)
      return health
    })
  )
)
