import { HttpApiBuilder } from "@effect/platform"
import { Config, Effect, Layer } from "effect"

/** CORS for the origins in CORS_ORIGINS (comma-separated); none by default. */
export const corsLayer = Layer.unwrapEffect(
  Effect.map(Config.withDefault(Config.array(Config.string(), "CORS_ORIGINS"), []), (origins) =>
    origins.length === 0
      ? Layer.empty
      : HttpApiBuilder.middlewareCors({
          allowedOrigins: origins,
          allowedHeaders: ["authorization", "content-type", "if-match", "idempotency-key", "x-request-id"],
          exposedHeaders: [
            "etag",
            "x-request-id",
            "retry-after",
            "ratelimit-limit",
            "ratelimit-remaining",
            "ratelimit-reset"
          ]
        })
  )
)
