import { randomUUID } from "node:crypto"
import { HttpApp, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import {
  hashApiKey,
  IdempotencyStore,
  type RateLimitDecision,
  RateLimitStore,
  type StoredResponse
} from "@leadforge/domain"
import { Context, Effect, Either, FiberRef, HashMap, LogLevel, Option } from "effect"
import { PROBLEM_CONTENT_TYPE, type ProblemInput, problemBody } from "../api/Problems.js"

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
 *
 * This runs on every request, and every step of an Effect is a step of the fiber's run loop, so the common path
 * (a read with a bearer key) is kept short: the services and the log level come from the fiber directly, a request
 * without a body does not enter the body check, and the access log is only wrapped around the request when info
 * logs are written.
 */
export const guard =
  (options: { readonly bodyLimit: number }) =>
  <E, R>(app: HttpApp.Default<E, R>): HttpApp.Default<E, R | RateLimitStore | IdempotencyStore> =>
    Effect.withFiberRuntime((fiber) => {
      const context = fiber.currentContext as Context.Context<
        HttpServerRequest.HttpServerRequest | RateLimitStore | IdempotencyStore
      >
      const request = Context.get(context, HttpServerRequest.HttpServerRequest)
      const given = request.headers["x-request-id"]
      const requestId = given !== undefined && REQUEST_ID.test(given) ? given : randomUUID()
      const startedAt = Date.now()
      let status = 500
      let limits: RateLimitDecision | undefined
      let remember: ((response: HttpServerResponse.HttpServerResponse) => Effect.Effect<void>) | undefined
      const finish = (response: HttpServerResponse.HttpServerResponse) => {
        const out = HttpServerResponse.setHeaders(
          finalize(request, response),
          limits === undefined
            ? { "x-request-id": requestId }
            : {
                "x-request-id": requestId,
                "ratelimit-limit": String(limits.limit),
                "ratelimit-remaining": String(limits.remaining),
                "ratelimit-reset": String(limits.reset)
              }
        )
        status = out.status
        return out
      }
      const preResponse = HttpApp.appendPreResponseHandler((_request, response) => {
        const final = finish(response)
        return remember === undefined ? Effect.succeed(final) : Effect.as(remember(final), final)
      })
      const handle = (text: string): Answer<E, R> => {
        const token = bearerOf(request)
        if (token === undefined || !request.url.startsWith("/api/")) return app
        const caller = hashApiKey(token).slice(0, 32)
        return Effect.flatMap(Context.get(context, RateLimitStore).take(caller), (decision) => {
          limits = decision
          if (!decision.allowed) {
            return Effect.succeed(
              finish(
                problemResponse(
                  429,
                  {
                    code: "rate_limited",
                    detail: `too many requests for this API key; retry in ${decision.retryAfter} s`,
                    retryAfter: decision.retryAfter
                  },
                  { "retry-after": String(decision.retryAfter) }
                )
              )
            )
          }
          if (request.method !== "POST" || request.headers["idempotency-key"] === undefined) return app
          return idempotent(request, text, caller, app, finish, (complete) => {
            remember = (final) => complete(replayable(final))
          })
        })
      }
      const body = BODY_METHODS.has(request.method) && request.url.startsWith("/api/")
      const answer = Effect.zipRight(
        preResponse,
        body
          ? Effect.flatMap(checkBody(request, options.bodyLimit), (checked) =>
              Either.isLeft(checked) ? Effect.succeed(finish(checked.left)) : handle(checked.right)
            )
          : Effect.suspend(() => handle(""))
      ).pipe(
        // Failures were already answered (as problems); only server-side ones deserve an error log with the cause.
        Effect.tapErrorCause((cause) => (status >= 500 ? Effect.logError("request failed", cause) : Effect.void))
      )
      // The fiber serves this one request, so its logs carry the request id from here on (a scoped annotation
      // would copy and restore the annotations around the request: several more fiber-local writes).
      const annotate = FiberRef.update(FiberRef.currentLogAnnotations, HashMap.set("requestId", requestId as unknown))
      // the access log (and its annotations) only when it will be written (LOG_LEVEL info or finer)
      if (LogLevel.greaterThan(fiber.getFiberRef(FiberRef.currentMinimumLogLevel), LogLevel.Info)) {
        return Effect.zipRight(annotate, answer)
      }
      return Effect.zipRight(
        annotate,
        Effect.onExit(answer, () =>
          Effect.logInfo("http request").pipe(
            Effect.annotateLogs({
              method: request.method,
              path: redactUrl(request.url),
              status,
              durationMs: Date.now() - startedAt
            })
          )
        )
      )
    })

type Answer<E, R> = Effect.Effect<
  HttpServerResponse.HttpServerResponse,
  E,
  R | HttpServerRequest.HttpServerRequest | IdempotencyStore
>

/** A POST with an Idempotency-Key: the first request runs; a retry gets its response (or a refusal). */
const idempotent = <E, R>(
  request: HttpServerRequest.HttpServerRequest,
  text: string,
  caller: string,
  app: HttpApp.Default<E, R>,
  finish: (response: HttpServerResponse.HttpServerResponse) => HttpServerResponse.HttpServerResponse,
  onFresh: (complete: (response: HttpServerResponse.HttpServerResponse | null) => Effect.Effect<void>) => void
): Answer<E, R> => {
  const idempotencyKey = request.headers["idempotency-key"]!
  if (!IDEMPOTENCY_KEY.test(idempotencyKey)) {
    return Effect.succeed(
      finish(
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
          problemResponse(422, {
            code: "idempotency_key_reused",
            detail: "this Idempotency-Key was used with a different request body; use a new key"
          })
        )
      case "Replay":
        return finish(HttpServerResponse.setHeader(rebuilt(claim.response), "idempotent-replayed", "true"))
      case "Fresh":
        onFresh((response) => claim.complete(response === null ? null : stored(response)))
        return yield* Effect.onExit(app, () => claim.complete(null))
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

/**
 * For a POST, PUT, PATCH or DELETE to the API: Left(problem response) when the body is too large, not JSON, or
 * malformed JSON; Right(body text) to go on.
 */
const checkBody = (
  request: HttpServerRequest.HttpServerRequest,
  limit: number
): Effect.Effect<Either.Either<string, HttpServerResponse.HttpServerResponse>> =>
  Effect.gen(function* () {
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
