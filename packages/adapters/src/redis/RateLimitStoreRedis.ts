import { RateLimitStore } from "@leadforge/domain"
import { Effect, Layer, type Redacted } from "effect"
import { decide, type TokenBucketOptions } from "../memory/RateLimitStoreMemory.js"
import { connectRedis, DEFAULT_KEY_PREFIX } from "./connect.js"

/** Refill and take atomically on the Redis server's clock, so every process shares one bucket per key. */
const TAKE_SCRIPT = `
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + (math.max(0, now - at) / 1000) * rate)
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / rate * 1000) + 1000)
return { allowed, tostring(tokens) }
`

export interface RateLimitStoreRedisOptions extends TokenBucketOptions {
  readonly url: Redacted.Redacted
  /** Prefix of every key (default `leadforge:`); the buckets live under `<prefix>ratelimit:`. */
  readonly keyPrefix?: string | undefined
}

/** Many processes: buckets in Redis. If Redis does not answer, requests are let through (and logged). */
export const RateLimitStoreRedis = (options: RateLimitStoreRedisOptions) =>
  Layer.scoped(
    RateLimitStore,
    Effect.gen(function* () {
      const redis = yield* connectRedis(options.url, "rate limits")
      const prefix = `${options.keyPrefix ?? DEFAULT_KEY_PREFIX}ratelimit:`
      return RateLimitStore.of({
        take: (key, bucket = options) =>
          Effect.tryPromise(
            () =>
              redis.eval(
                TAKE_SCRIPT,
                1,
                `${prefix}${key}`,
                String(bucket.capacity),
                String(bucket.refillPerSecond)
              ) as Promise<[number, string]>
          ).pipe(
            Effect.timeout("250 millis"),
            Effect.map(([allowed, tokens]) => decide(Number(tokens), allowed === 1, bucket)),
            Effect.catchAll((error) =>
              Effect.logWarning("rate limiter unavailable; allowing the request", String(error)).pipe(
                Effect.as(decide(bucket.capacity, true, bucket))
              )
            )
          )
      })
    })
  )
