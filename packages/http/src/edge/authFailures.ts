import type { HttpServerResponse } from "@effect/platform"
import type { RateLimitDecision, RateLimitStore, TokenBucket } from "@leadforge/domain"
import { Effect } from "effect"
import { finish } from "./finalize.js"
import { problemResponse } from "./problemResponse.js"
import type { RequestState } from "./requestState.js"

/** Addresses refused at most at once in one process: beyond that the oldest go first. */
const MAX_BLOCKED = 10_000

const tooManyFailures = (retryAfter: number) =>
  problemResponse(
    429,
    {
      code: "too_many_failed_authentications",
      detail: `too many requests with an unknown or invalid API key from this address; retry in ${retryAfter} s`,
      retryAfter
    },
    { "retry-after": String(retryAfter) }
  )

/**
 * Failed authentications per client address: each 401 to a request that sent a key takes a token from the
 * address's bucket (on the RateLimitStore, so every process shares it). When the bucket is empty the request gets
 * 429 instead, and this process refuses the address's keyed requests without looking their key up until a token is
 * back, so guessing keys costs no database lookups beyond the bucket's rate.
 */
export const authFailures = (bucket: TokenBucket) => {
  const blocked = new Map<string, number>()
  const block = (address: string, decision: RateLimitDecision) => {
    blocked.delete(address)
    blocked.set(address, Date.now() + decision.retryAfter * 1000)
    if (blocked.size > MAX_BLOCKED) blocked.delete(blocked.keys().next().value!)
  }
  return {
    /** The 429 for an address still refused, or undefined to go on. */
    refusal: (address: string): HttpServerResponse.HttpServerResponse | undefined => {
      if (blocked.size === 0) return undefined
      const until = blocked.get(address)
      if (until === undefined) return undefined
      const wait = until - Date.now()
      if (wait <= 0) {
        blocked.delete(address)
        return undefined
      }
      return tooManyFailures(Math.max(1, Math.ceil(wait / 1000)))
    },
    /** After a 401 to a keyed request from `address`: the 401 while its bucket lasts, else 429. */
    failed: (
      store: RateLimitStore.Service,
      state: RequestState,
      address: string,
      response: HttpServerResponse.HttpServerResponse
    ): Effect.Effect<HttpServerResponse.HttpServerResponse> =>
      Effect.map(store.take(`auth-failures:${address}`, bucket), (decision) => {
        if (decision.allowed) return response
        block(address, decision)
        return finish(state, tooManyFailures(decision.retryAfter))
      })
  }
}

export type AuthFailures = ReturnType<typeof authFailures>
