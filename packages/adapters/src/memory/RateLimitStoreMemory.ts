import { type RateLimitDecision, RateLimitStore, type TokenBucket } from "@leadforge/domain"
import { Effect, Layer } from "effect"

/** Bucket size (the burst a key may send at once) and tokens added per second (the sustained rate). */
export type TokenBucketOptions = TokenBucket

/** The decision for a bucket left with `tokens`, shared by every token-bucket store. */
export const decide = (tokens: number, allowed: boolean, options: TokenBucketOptions): RateLimitDecision => ({
  allowed,
  limit: options.capacity,
  remaining: Math.max(0, Math.floor(tokens)),
  reset: Math.ceil((options.capacity - tokens) / options.refillPerSecond),
  retryAfter: allowed ? 0 : Math.max(1, Math.ceil((1 - tokens) / options.refillPerSecond))
})

const MAX_BUCKETS = 100_000

/** One process: buckets in a Map (the least recently used is dropped past MAX_BUCKETS). */
export const RateLimitStoreMemory = (options: TokenBucketOptions) =>
  Layer.sync(RateLimitStore, () => {
    const buckets = new Map<string, { tokens: number; at: number }>()
    return RateLimitStore.of({
      take: (key, size = options) =>
        Effect.sync(() => {
          const now = Date.now()
          const bucket = buckets.get(key) ?? { tokens: size.capacity, at: now }
          const tokens = Math.min(size.capacity, bucket.tokens + ((now - bucket.at) / 1000) * size.refillPerSecond)
          const allowed = tokens >= 1
          const left = allowed ? tokens - 1 : tokens
          buckets.delete(key)
          buckets.set(key, { tokens: left, at: now })
          if (buckets.size > MAX_BUCKETS) buckets.delete(buckets.keys().next().value!)
          return decide(left, allowed, size)
        })
    })
  })
