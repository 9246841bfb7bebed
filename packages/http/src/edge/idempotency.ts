import { type HttpApp, type HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { hashApiKey, IdempotencyStore, type StoredResponse } from "@leadforge/domain"
import { Effect, Exit } from "effect"
import { finish } from "./finalize.js"
import { problemResponse } from "./problemResponse.js"
import type { Answer, RequestState } from "./requestState.js"

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/

/** Only a POST with an Idempotency-Key goes through the idempotency step. */
export const isIdempotent = (request: HttpServerRequest.HttpServerRequest): boolean =>
  request.method === "POST" && request.headers["idempotency-key"] !== undefined

/**
 * A POST with an Idempotency-Key: the first request runs and its completed response is kept; a retry gets that
 * response, or 409 while the first still runs, or 422 with another body.
 *
 * Only a completed response is kept, taken when the API answers (not when the platform sends it): a request cut off
 * by its client (a timeout, exactly when clients retry) is interrupted, its transaction rolled back, and the key
 * released, so the retry runs afresh instead of replaying an empty 499. A failure, a 5xx or a refusal of the moment
 * releases the key too.
 */
export const idempotent = <E, R>(
  state: RequestState,
  text: string,
  caller: string,
  app: HttpApp.Default<E, R>
): Answer<E, R> => {
  const request = state.request
  const idempotencyKey = request.headers["idempotency-key"]!
  if (!IDEMPOTENCY_KEY.test(idempotencyKey)) {
    return Effect.succeed(
      finish(
        state,
        problemResponse(400, {
          code: "invalid_idempotency_key",
          detail: "Idempotency-Key must be 1 to 255 visible ASCII characters"
        })
      )
    )
  }
  return Effect.gen(function* () {
    const fingerprint = hashApiKey(`${request.method} ${request.url}\n${text}`)
    const claim = yield* Effect.flatMap(IdempotencyStore, (store) =>
      store.claim(`${caller}:${idempotencyKey}`, fingerprint)
    )
    switch (claim._tag) {
      case "Mismatch":
        return finish(
          state,
          problemResponse(422, {
            code: "idempotency_key_reused",
            detail: "this Idempotency-Key was used with a different request body; use a new key"
          })
        )
      case "Replay":
        return finish(state, HttpServerResponse.setHeader(rebuilt(claim.response), "idempotent-replayed", "true"))
      case "InProgress":
        return finish(
          state,
          problemResponse(
            409,
            {
              code: "idempotency_request_in_progress",
              detail: "a request with this Idempotency-Key is still running; retry once it has completed"
            },
            { "retry-after": "1" }
          )
        )
      case "Fresh":
        return yield* Effect.onExit(app, (exit) => {
          const response = Exit.isSuccess(exit) ? replayable(finish(state, exit.value)) : null
          return claim.complete(response === null ? null : stored(response))
        })
    }
  })
}

/** A response as the store keeps it; only responses with their whole body in memory (all of the API's) are kept. */
const stored = (response: HttpServerResponse.HttpServerResponse): StoredResponse | null => {
  const body = response.body
  if (body._tag === "Empty")
    return { status: response.status, headers: { ...response.headers }, contentType: null, body: null }
  if (body._tag !== "Uint8Array") return null
  return { status: response.status, headers: { ...response.headers }, contentType: body.contentType, body: body.body }
}

const rebuilt = (response: StoredResponse): HttpServerResponse.HttpServerResponse =>
  response.body === null
    ? HttpServerResponse.empty({ status: response.status, headers: response.headers })
    : HttpServerResponse.uint8Array(response.body, {
        status: response.status,
        headers: response.headers,
        ...(response.contentType === null ? {} : { contentType: response.contentType })
      })

/** Responses worth replaying: not server errors and not refusals that depend on the moment. */
const replayable = (response: HttpServerResponse.HttpServerResponse) =>
  response.status >= 500 || response.status === 429 || response.status === 401 ? null : response
