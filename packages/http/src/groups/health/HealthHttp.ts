import { HttpApiBuilder, HttpServerResponse } from "@effect/platform"
import { LanguageModel, SystemProbe } from "@leadforge/domain"
import { DateTime, Effect, Option, Schema } from "effect"
import { LeadforgeApi } from "../../Api.js"
import { Health } from "./HealthApi.js"

const LLM_STATE = { ok: "available", unavailable: "unavailable", not_configured: "not_configured" } as const

export const HealthHttp = HttpApiBuilder.group(LeadforgeApi, "health", (handlers) =>
  handlers.handle("health", () =>
    Effect.gen(function* () {
      const probe = yield* SystemProbe
      const model = yield* Effect.serviceOption(LanguageModel)
      // the model's probe is cached (a first one waits at most as long as the other two)
      const llmHealth = Option.match(model, {
        onNone: () => Effect.succeed({ status: "not_configured" as const }),
        onSome: (m) => m.health
      })
      const [database, store, llm] = yield* Effect.all([probe.database, probe.vectorStore, llmHealth], {
        concurrency: "unbounded"
      })
      // null: the vectors live in the database (pgvector), so their state is the database's
      const vectorDb = store === null ? (database === "connected" ? "connected" : "disconnected") : store
      const llmState = LLM_STATE[llm.status]
      const health = new Health({
        status:
          database !== "connected"
            ? "unhealthy"
            : vectorDb === "disconnected" || llmState === "unavailable"
              ? "degraded"
              : "healthy",
        version: probe.version,
        services: { database, vector_db: vectorDb, llm: llmState },
        timestamp: yield* DateTime.now
      })
      if (database === "connected") return health
      return HttpServerResponse.unsafeJson(Schema.encodeSync(Health)(health), { status: 503 })
    })
  )
)
