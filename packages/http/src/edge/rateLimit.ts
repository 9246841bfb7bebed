import type { HttpServerRequest } from "@effect/platform"
import { hashApiKey, type RateLimitDecision, type RateLimitStore } from "@leadforge/domain"
import { Effect } from "effect"
import { finish } from "./finalize.js"
import { problemResponse } from "./problemResponse.js"
import type { Answer, RequestState } from "./requestState.js"

/** The bearer token of the request, if it sends one. */
export const bearerOf = (request: HttpServerRequest.HttpServerRequest): string | undefined => {
  const header = request.headers.authorization
  if (header === undefined || !header.startsWith("Bearer ")) return undefined
  const token = header.slice(7).trim()
  return token === "" ? undefined : token
}

/** Who is asking, for the rate limit and idempotency keys: a prefix of the key's hash, never the key itself. */
export const callerOf = (token: string): string => hashApiKey(token).slice(0, 32)

const tooManyRequests = (decision: RateLimitDecision) =>
  problemResponse(
    429,
    {
      code: "rate_limited",
      detail: `too many requests for this API key; retry in ${decision.retryAfter} s`,
      retryAfter: decision.retryAfter
    },
    { "retry-after": String(decision.retryAfter) }
  )

/**
 * Takes one request from the caller's budget: over it, 429 with Retry-After; within it, `next`. Either way the
 * decision goes back on the response as RateLimit-* headers.
 */
export const rateLimit = <E, R>(
  state: RequestState,
  store: RateLimitStore.Service,
  caller: string,
  next: () => Answer<E, R>
): Answer<E, R> =>
  Effect.flatMap(store.take(caller), (decision) => {
    state.limits = decision
    return decision.allowed ? next() : Effect.succeed(finish(state, tooManyRequests(decision)))
  })
