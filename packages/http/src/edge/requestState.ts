import type { HttpServerRequest, HttpServerResponse } from "@effect/platform"
import type { IdempotencyStore, RateLimitDecision } from "@leadforge/domain"
import type { Effect } from "effect"

/**
 * What the edge steps learn about one request on its way through, read when its response is finished and logged.
 * One object per request, written by the step that learns each fact.
 */
export interface RequestState {
  readonly request: HttpServerRequest.HttpServerRequest
  readonly requestId: string
  readonly startedAt: number
  /** The status of the response sent; 500 until a response is finished. */
  status: number
  /** The rate limiter's decision, sent back as RateLimit-* headers. */
  limits: RateLimitDecision | undefined
  /** The client's address, for a request that sent a key: a 401 to it counts as a failed authentication. */
  address: string | undefined
}

/** The response to a request, from a step or from the API behind the steps. */
export type Answer<E, R> = Effect.Effect<
  HttpServerResponse.HttpServerResponse,
  E,
  R | HttpServerRequest.HttpServerRequest | IdempotencyStore
>
