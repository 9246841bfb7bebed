import type { Effect } from "effect"
import { Context } from "effect"

/** What a take from a caller's bucket decided, with what the response headers report. */
export interface RateLimitDecision {
  readonly allowed: boolean
  readonly limit: number
  readonly remaining: number
  /** Seconds until the bucket is full again. */
  readonly reset: number
  /** Seconds until one request would be allowed (0 when allowed). */
  readonly retryAfter: number
}

/** A bucket's size (the burst) and the tokens added per second (the sustained rate). */
export interface TokenBucket {
  readonly capacity: number
  readonly refillPerSecond: number
}

export declare namespace RateLimitStore {
  export interface Service {
    /**
     * Takes one token from `key`'s bucket, of the store's own size or of `bucket` (e.g. failed authentications
     * per client address). Never fails: a store that cannot answer lets the request through (an outage of the
     * store must not refuse every caller).
     */
    readonly take: (key: string, bucket?: TokenBucket) => Effect.Effect<RateLimitDecision>
  }
}

/** A token bucket per caller (an API key's hash), in one process or shared by every server process. */
export class RateLimitStore extends Context.Tag("@leadforge/domain/RateLimitStore")<
  RateLimitStore,
  RateLimitStore.Service
>() {}
