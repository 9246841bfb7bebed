import { HttpApiBuilder } from "@effect/platform"
import { Layer } from "effect"

/** CORS for the given origins; none (no CORS headers) when the list is empty. */
export const corsLayer = (origins: ReadonlyArray<string>) =>
  origins.length === 0
    ? Layer.empty
    : HttpApiBuilder.middlewareCors({
        allowedOrigins: [...origins],
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
