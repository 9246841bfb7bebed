import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { Authentication } from "../../contract/Security.js"

export class ServerStatus extends Schema.Class<ServerStatus>("ServerStatus")({
  version: Schema.String,
  environment: Schema.String,
  uptimeSeconds: Schema.Number,
  adapters: Schema.Struct({ database: Schema.String, vectors: Schema.String, llm: Schema.String }),
  migrationLevel: Schema.Int
}) {}

export class SystemApi extends HttpApiGroup.make("system")
  .add(
    HttpApiEndpoint.get("status", "/status")
      .addSuccess(ServerStatus)
      .annotate(OpenApi.Summary, "Get server status")
      .annotate(OpenApi.Description, "Version, environment, uptime, configured adapters and migration level.")
  )
  .middleware(Authentication)
  .prefix("/api/v1")
  .annotate(OpenApi.Description, "The running server.") {}
