import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { wire } from "../../contract/Problems.js"

export const ServiceState = Schema.Literal("connected", "disconnected", "not_configured", "available")

export class Health extends Schema.Class<Health>("Health")({
  status: Schema.Literal("healthy", "degraded", "unhealthy"),
  version: Schema.String,
  services: Schema.Struct({ database: ServiceState, vector_db: ServiceState, llm: ServiceState }),
  timestamp: Schema.DateTimeUtc
}) {}

/** The Health body, sent with 503 when the database is down. */
export class Unhealthy extends Schema.TaggedError<Unhealthy>()("Unhealthy", Health.fields) {}

export class HealthApi extends HttpApiGroup.make("health", { topLevel: true })
  .add(
    HttpApiEndpoint.get("health", "/health")
      .addSuccess(Health)
      .addError(wire(Unhealthy, "Unhealthy", Health.fields, HttpApiSchema.annotations({ status: 503 })))
      .annotate(OpenApi.Summary, "Check health")
      .annotate(OpenApi.Description, "200 when healthy or degraded, 503 when the database is down.")
  )
  .annotate(OpenApi.Description, "Liveness and dependencies; no authentication.") {}
