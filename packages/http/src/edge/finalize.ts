import { HttpApp, type HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Effect } from "effect"
import { PROBLEM_CONTENT_TYPE } from "../contract/Problems.js"
import { clip } from "./input.js"
import { problemResponse } from "./problemResponse.js"
import type { RequestState } from "./requestState.js"

/** Bodiless 404s (no route) and every 5xx without a problem body become problem+json. */
export const finalize = (
  request: HttpServerRequest.HttpServerRequest,
  response: HttpServerResponse.HttpServerResponse
): HttpServerResponse.HttpServerResponse => {
  const isProblem =
    response.headers["content-type"] === PROBLEM_CONTENT_TYPE || response.body.contentType === PROBLEM_CONTENT_TYPE
  if (isProblem) return response
  if (response.status === 404 && response.body._tag === "Empty") {
    return problemResponse(404, {
      code: "route_not_found",
      detail: `no route for ${request.method} ${clip(request.url.split("?")[0] ?? "")}`
    })
  }
  if (response.status >= 500 && response.status !== 503) {
    return problemResponse(500, { code: "internal_error", detail: "an unexpected error occurred" })
  }
  return response
}

/**
 * The response as sent: finalized, with the request id and the rate limiter's headers; its status is recorded for
 * the logs.
 */
export const finish = (
  state: RequestState,
  response: HttpServerResponse.HttpServerResponse
): HttpServerResponse.HttpServerResponse => {
  const limits = state.limits
  const out = HttpServerResponse.setHeaders(
    finalize(state.request, response),
    limits === undefined
      ? { "x-request-id": state.requestId }
      : {
          "x-request-id": state.requestId,
          "ratelimit-limit": String(limits.limit),
          "ratelimit-remaining": String(limits.remaining),
          "ratelimit-reset": String(limits.reset)
        }
  )
  state.status = out.status
  return out
}

/**
 * The platform sends a response before outer middleware sees it, so the final touches run as a pre-response
 * handler: every response is finished, and a 401 to a request that sent a key is counted against its address.
 */
export const finishing = (
  state: RequestState,
  unauthorized: (
    response: HttpServerResponse.HttpServerResponse
  ) => Effect.Effect<HttpServerResponse.HttpServerResponse>
): Effect.Effect<void> =>
  HttpApp.appendPreResponseHandler((_request, response) => {
    const final = finish(state, response)
    return final.status === 401 && state.address !== undefined ? unauthorized(final) : Effect.succeed(final)
  })
