import { Effect, Redacted } from "effect"
import { Redis } from "ioredis"

/** Every key a store writes starts with this, unless told otherwise (tests use their own prefix). */
export const DEFAULT_KEY_PREFIX = "leadforge:"

/**
 * A Redis connection for the lifetime of the scope. The server starts even if Redis is down (what depends on it
 * degrades and logs); ioredis keeps reconnecting, and each command fails fast instead of queueing.
 */
export const connectRedis = (url: Redacted.Redacted, purpose: string) =>
  Effect.gen(function* () {
    const redis = yield* Effect.acquireRelease(
      Effect.sync(
        () =>
          new Redis(Redacted.value(url), {
            lazyConnect: true,
            maxRetriesPerRequest: 1,
            connectTimeout: 1000
          })
      ),
      (client) => Effect.promise(() => client.quit().catch(() => "closed"))
    )
    redis.on("error", () => {})
    yield* Effect.tryPromise(() => redis.connect()).pipe(
      Effect.timeout("2 seconds"),
      Effect.catchAll((error) => Effect.logWarning(`Redis for ${purpose} is not reachable yet`, String(error)))
    )
    return redis
  })
