import { Context, Effect, Layer, Option, type Redacted } from "effect"
import { connectRedis } from "./Redis.js"

export interface RateLimitDecision {
  readonly allowed: boolean
  readonly limit: number
  readonly remaining: number
  /** Seconds until the bucket is full again. */
  readonly reset: number
  /** Seconds until one request would be allowed (0 when allowed). */
  readonly retryAfter: number
}

export interface RateLimitOptions {
  /** Bucket size: the burst a key may send at once. */
  readonly capacity: number
  /** Tokens added per second: the sustained rate. */
  readonly refillPerSecond: number
}

/** A token bucket per API key. */
export class RateLimiter extends Context.Tag("@leadforge/http/RateLimiter")<
  RateLimiter,
  { readonly take: (key: string) => Effect.Effect<RateLimitDecision> }
>() {}

const decide = (tokens: number, allowed: boolean, options: RateLimitOptions): RateLimitDecision => ({
  allowed,
  limit: options.capacity,
  remaining: Math.max(0, Math.floor(tokens)),
  reset: Math.ceil((options.capacity - tokens) / options.refillPerSecond),
  retryAfter: allowed ? 0 : Math.max(1, Math.ceil((1 - tokens) / options.refillPerSecond))
})

/** One process: buckets in a Map. */
export const RateLimiterMemory = (options: RateLimitOptions) =>
  Layer.sync(RateLimiter, () => {
    const buckets = new Map<string, { tokens: number; at: number }>()
    return {
      take: (key) =>
        Effect.sync(() => {
          const now = Date.now()
          const bucket = buckets.get(key) ?? { tokens: options.capacity, at: now }
          const tokens = Math.min(
            options.capacity,
            bucket.tokens + ((now - bucket.at) / 1000) * options.refillPerSecond
          )
          const allowed = tokens >= 1
          const left = allowed ? tokens - 1 : tokens
          buckets.delete(key)
          buckets.set(key, { tokens: left, at: now })
          if (buckets.size > 100_000) buckets.delete(buckets.keys().next().value!)
          return decide(left, allowed, options)
        })
    }
  })

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

/** Many processes: buckets in Redis. If Redis does not answer, requests are let through (and logged). */
export const RateLimiterRedis = (options: RateLimitOptions & { readonly url: Redacted.Redacted }) =>
  Layer.scoped(
    RateLimiter,
    Effect.gen(function* () {
      const redis = yield* connectRedis(options.url, "rate limits")
      return {
        take: (key) =>
          Effect.tryPromise(
            () =>
              redis.eval(
                TAKE_SCRIPT,
                1,
                `leadforge:ratelimit:${key}`,
                String(options.capacity),
                String(options.refillPerSecond)
              ) as Promise<[number, string]>
          ).pipe(
            Effect.timeout("250 millis"),
            Effect.map(([allowed, tokens]) => decide(Number(tokens), allowed === 1, options)),
            Effect.catchAll((error) =>
              Effect.logWarning("rate limiter unavailable; allowing the request", String(error)).pipe(
                Effect.as(decide(options.capacity, true, options))
              )
            )
          )
      }
    })
  )

export const rateLimiterLayer = (options: RateLimitOptions, redisUrl: Option.Option<Redacted.Redacted>) =>
  Option.match(redisUrl, {
    onNone: () => RateLimiterMemory(options),
    onSome: (url) => RateLimiterRedis({ ...options, url })
  })
