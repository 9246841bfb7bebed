import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"

export const ServiceState = Schema.Literal("connected", "disconnected", "not_configured", "available", "unavailable")

const healthFields = {
  status: Schema.Literal("healthy", "degraded", "unhealthy"),
  version: Schema.String,
  services: Schema.Struct({ database: ServiceState, vector_db: ServiceState, llm: ServiceState }),
  timestamp: Schema.DateTimeUtc
}

export class Health extends Schema.Class<Health>("Health")(healthFields) {}

/** The same body as Health, sent with 503 when the database is down (no `_tag`: the shape is the 200's). */
export const Unhealthy = Schema.Struct(healthFields).annotations({ identifier: "Unhealthy" })

export class HealthApi extends HttpApiGroup.make("health", { topLevel: true })
  .add(
    HttpApiEndpoint.get("health", "/health")
      .addSuccess(Health)
      .addError(Unhealthy, { status: 503 })
      .annotate(OpenApi.Summary, "Check health")
      .annotate(
        OpenApi.Description,
        "200 when healthy or degraded, 503 (the same body) when the database is down. `llm` is the language " +
          "model's state from a probe cached for a minute: available, unavailable or not_configured."
      )
  )
  .annotate(OpenApi.Description, "Liveness and dependencies; no authentication.") {}
