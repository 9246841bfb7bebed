import { type HttpApp, HttpServerRequest } from "@effect/platform"
import { type IdempotencyStore, RateLimitStore, type TokenBucket } from "@leadforge/domain"
import { Context, Effect, Either, Option } from "effect"
import { logServerErrors, withAccessLog, writesAccessLog } from "./accessLog.js"
import { authFailures } from "./authFailures.js"
import { checkBody, checkQuery, hasBody } from "./body.js"
import { finish, finishing } from "./finalize.js"
import { idempotent, isIdempotent } from "./idempotency.js"
import { bearerOf, callerOf, rateLimit } from "./rateLimit.js"
import { annotateRequestId, requestIdOf } from "./requestId.js"
import type { Answer, RequestState } from "./requestState.js"

const isDocumentUpload = (request: HttpServerRequest.HttpServerRequest) =>
  request.method === "POST" && (request.url === "/api/v1/knowledge" || request.url.startsWith("/api/v1/knowledge?"))

/**
 * Everything in front of the API, as one middleware: the request id, the body checks (size, content type, JSON
 * syntax), the limit on failed authentications per client address, the rate limit, idempotency, the last word on error responses (so that no stack trace or SQL ever
 * reaches a client) and the access log.
 *
 * This runs on every request, and every step of an Effect is a step of the fiber's run loop, so the common path
 * (a read with a bearer key) is kept short: the services and the log level come from the fiber directly, a request
 * without a body does not enter the body check, the request id is annotated on the request's own fiber, and the
 * access log is only wrapped around the request when info logs are written. The steps share one RequestState.
 */
export const guard = (options: {
  readonly bodyLimit: number
  /** The body limit of a document upload (POST /api/v1/knowledge), whose text has its own limit. */
  readonly documentBodyLimit: number
  readonly authFailures: TokenBucket
}) => {
  const failures = authFailures(options.authFailures)
  return <E, R>(app: HttpApp.Default<E, R>): HttpApp.Default<E, R | RateLimitStore | IdempotencyStore> =>
    Effect.withFiberRuntime((fiber) => {
      const context = fiber.currentContext as Context.Context<
        HttpServerRequest.HttpServerRequest | RateLimitStore | IdempotencyStore
      >
      const request = Context.get(context, HttpServerRequest.HttpServerRequest)
      const rateLimits = Context.get(context, RateLimitStore)
      const state: RequestState = {
        request,
        requestId: requestIdOf(request),
        startedAt: Date.now(),
        status: 500,
        limits: undefined,
        address: undefined
      }
      // Calls with a bearer key are rate limited, and their POSTs with an Idempotency-Key are idempotent.
      const handle = (text: string): Answer<E, R> => {
        const token = bearerOf(request)
        if (token === undefined || !request.url.startsWith("/api/")) return app
        const address = Option.getOrElse(request.remoteAddress, () => "unknown")
        state.address = address
        const refusal = failures.refusal(address)
        if (refusal !== undefined) return Effect.succeed(finish(state, refusal))
        const caller = callerOf(token)
        return rateLimit(state, rateLimits, caller, () =>
          isIdempotent(request) ? idempotent(state, text, caller, app) : app
        )
      }
      const queryProblem = request.url.startsWith("/api/") ? checkQuery(request) : undefined
      const answer = Effect.zipRight(
        finishing(state, (response) => failures.failed(rateLimits, state, state.address!, response)),
        queryProblem !== undefined
          ? Effect.succeed(finish(state, queryProblem))
          : hasBody(request)
            ? Effect.flatMap(
                checkBody(request, isDocumentUpload(request) ? options.documentBodyLimit : options.bodyLimit),
                (checked) =>
                  Either.isLeft(checked) ? Effect.succeed(finish(state, checked.left)) : handle(checked.right)
              )
            : Effect.suspend(() => handle(""))
      ).pipe(logServerErrors(state))
      return Effect.zipRight(
        annotateRequestId(state.requestId),
        writesAccessLog(fiber) ? withAccessLog(state, answer) : answer
      )
    })
}
