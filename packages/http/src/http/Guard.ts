import { randomUUID } from "node:crypto"
import { HttpApp, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Effect, Either, LogLevel, Option } from "effect"
import { PROBLEM_CONTENT_TYPE, type ProblemInput, problemBody } from "../api/Problems.js"
import { hashKey } from "./ApiKeys.js"
import { IdempotencyStore } from "./Idempotency.js"
import { type RateLimitDecision, RateLimiter } from "./RateLimit.js"

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/
const BODY_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"])
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/
const JSON_TYPE = /^application\/(?:[a-z0-9.+-]*\+)?json(?:\s*;.*)?$/i

export const problemResponse = (
  status: Parameters<typeof problemBody>[0],
  input: ProblemInput,
  headers: Record<string, string> = {}
) =>
  HttpServerResponse.unsafeJson(problemBody(status, input), {
    status,
    contentType: PROBLEM_CONTENT_TYPE,
    headers
  })

/**
 * Everything in front of the API: request ids, body size/type/syntax checks, and the last word on
 * error responses so that no stack trace or SQL ever reaches a client. The platform sends a response
 * before outer middleware sees it, so the final touches run as a pre-response handler.
 */
export const guard =
  (options: { readonly bodyLimit: number }) =>
  <E, R>(app: HttpApp.Default<E, R>): HttpApp.Default<E, R | RateLimiter | IdempotencyStore> =>
    Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => {
      const given = request.headers["x-request-id"]
      const requestId = given !== undefined && REQUEST_ID.test(given) ? given : randomUUID()
      const startedAt = Date.now()
      let status = 500
      let limits: RateLimitDecision | undefined
      let remember: ((response: HttpServerResponse.HttpServerResponse | null) => Effect.Effect<void>) | undefined
      const finish = (response: HttpServerResponse.HttpServerResponse) => {
        let out = HttpServerResponse.setHeader(finalize(request, response), "x-request-id", requestId)
        if (limits !== undefined) {
          out = HttpServerResponse.setHeaders(out, {
            "ratelimit-limit": String(limits.limit),
            "ratelimit-remaining": String(limits.remaining),
            "ratelimit-reset": String(limits.reset)
          })
        }
        status = out.status
        return out
      }
      return Effect.gen(function* () {
        yield* HttpApp.appendPreResponseHandler((_request, response) => {
          const final = finish(response)
          return remember === undefined ? Effect.succeed(final) : Effect.as(remember(replayable(final)), final)
        })
        const body = yield* checkBody(request, options.bodyLimit)
        if (Either.isLeft(body)) return finish(body.left)
        const token = bearerOf(request)
        if (token === undefined || !request.url.startsWith("/api/")) return yield* app
        const caller = hashKey(token).slice(0, 32)
        limits = yield* Effect.flatMap(RateLimiter, (limiter) => limiter.take(caller))
        if (!limits.allowed) {
          return finish(
            problemResponse(
              429,
              {
                code: "rate_limited",
                detail: `too many requests for this API key; retry in ${limits.retryAfter} s`,
                retryAfter: limits.retryAfter
              },
              { "retry-after": String(limits.retryAfter) }
            )
          )
        }
        const idempotencyKey = request.headers["idempotency-key"]
        if (request.method !== "POST" || idempotencyKey === undefined) return yield* app
        if (!IDEMPOTENCY_KEY.test(idempotencyKey)) {
          return finish(
            problemResponse(400, {
              code: "invalid_idempotency_key",
              detail: "Idempotency-Key must be 1 to 255 visible ASCII characters"
            })
          )
        }
        const fingerprint = hashKey(`${request.method} ${request.url}\n${body.right}`)
        const claim = yield* Effect.flatMap(IdempotencyStore, (store) =>
          store.claim(`${caller}:${idempotencyKey}`, fingerprint)
        )
        switch (claim._tag) {
          case "Mismatch":
            return finish(
              problemResponse(422, {
                code: "idempotency_key_reused",
                detail: "this Idempotency-Key was used with a different request body; use a new key"
              })
            )
          case "Replay":
            return finish(HttpServerResponse.setHeader(claim.response, "idempotent-replayed", "true"))
          case "Fresh":
            remember = claim.complete
            return yield* Effect.onExit(app, () => claim.complete(null))
        }
      }).pipe(
        // Failures were already answered (as problems); only server-side ones deserve an error log with the cause.
        Effect.tapErrorCause((cause) => (status >= 500 ? Effect.logError("request failed", cause) : Effect.void)),
        // the access log's annotations are built only when it will be written (LOG_LEVEL info or finer)
        Effect.onExit(() =>
          Effect.whenLogLevel(
            Effect.suspend(() =>
              Effect.logInfo("http request").pipe(
                Effect.annotateLogs({
                  method: request.method,
                  path: redactUrl(request.url),
                  status,
                  durationMs: Date.now() - startedAt
                })
              )
            ),
            LogLevel.Info
          )
        ),
        Effect.annotateLogs("requestId", requestId)
      )
    })

const EMAIL = /[^\s/?&=]+(?:@|%40)[^\s/?&=]+/gi

/** Emails in paths or queries (e.g. ?q=jane@acme.com) never reach the logs. */
export const redactUrl = (url: string) => url.replace(EMAIL, "[email]")

/** Responses worth replaying: not server errors and not refusals that depend on the moment. */
const replayable = (response: HttpServerResponse.HttpServerResponse) =>
  response.status >= 500 || response.status === 429 || response.status === 401 ? null : response

const bearerOf = (request: HttpServerRequest.HttpServerRequest): string | undefined => {
  const header = request.headers.authorization
  if (header === undefined || !header.startsWith("Bearer ")) return undefined
  const token = header.slice(7).trim()
  return token === "" ? undefined : token
}

/** Bodiless 404s (no route) and every 5xx without a problem body become problem+json. */
const finalize = (
  request: HttpServerRequest.HttpServerRequest,
  response: HttpServerResponse.HttpServerResponse
): HttpServerResponse.HttpServerResponse => {
  const isProblem =
    response.headers["content-type"] === PROBLEM_CONTENT_TYPE || response.body.contentType === PROBLEM_CONTENT_TYPE
  if (isProblem) return response
  if (response.status === 404 && response.body._tag === "Empty") {
    return problemResponse(404, {
      code: "route_not_found",
      detail: `no route for ${request.method} ${request.url.split("?")[0]}`
    })
  }
  if (response.status >= 500 && response.status !== 503) {
    return problemResponse(500, { code: "internal_error", detail: "an unexpected error occurred" })
  }
  return response
}

/** Left(problem response) when the body is too large, not JSON, or malformed JSON; Right(body text) to go on. */
const checkBody = (
  request: HttpServerRequest.HttpServerRequest,
  limit: number
): Effect.Effect<Either.Either<string, HttpServerResponse.HttpServerResponse>> =>
  Effect.gen(function* () {
    if (!BODY_METHODS.has(request.method) || !request.url.startsWith("/api/")) return Either.right("")
    const length = Number(request.headers["content-length"] ?? "0")
    const chunked = request.headers["transfer-encoding"] !== undefined
    if (Number.isFinite(length) && length > limit) {
      return Either.left(
        problemResponse(413, { code: "payload_too_large", detail: `the body exceeds the limit of ${limit} bytes` })
      )
    }
    if (length === 0 && !chunked) return Either.right("")
    const contentType = request.headers["content-type"] ?? ""
    if (!JSON_TYPE.test(contentType.trim())) {
      return Either.left(
        problemResponse(415, {
          code: "unsupported_media_type",
          detail: `send the body as application/json, not ${contentType === "" ? "without a content type" : contentType}`
        })
      )
    }
    const text = yield* request.text.pipe(HttpServerRequest.withMaxBodySize(Option.some(limit)), Effect.either)
    if (text._tag === "Left") {
      return Either.left(
        problemResponse(413, { code: "payload_too_large", detail: `the body exceeds the limit of ${limit} bytes` })
      )
    }
    if (text.right.trim() === "") return Either.right(text.right)
    try {
      JSON.parse(text.right)
      return Either.right(text.right)
    } catch (error) {
      return Either.left(
        problemResponse(400, {
          code: "malformed_json",
          detail: `the body is not valid JSON: ${error instanceof Error ? error.message : "parse error"}`
        })
      )
    }
  })
