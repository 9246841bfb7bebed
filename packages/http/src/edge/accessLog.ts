import { Effect, type Fiber, FiberRef, LogLevel } from "effect"
import type { Answer, RequestState } from "./requestState.js"

const EMAIL = /[^\s/?&=]+(?:@|%40)[^\s/?&=]+/gi

/** Emails in paths or queries (e.g. ?q=jane@acme.com) never reach the logs. */
export const redactUrl = (url: string) => url.replace(EMAIL, "[email]")

/** Whether the access log will be written (LOG_LEVEL info or finer): only then is it wrapped around the request. */
export const writesAccessLog = (fiber: Fiber.RuntimeFiber<unknown, unknown>): boolean =>
  !LogLevel.greaterThan(fiber.getFiberRef(FiberRef.currentMinimumLogLevel), LogLevel.Info)

/** One info line per request once it is answered: method, redacted path, status and duration. */
export const withAccessLog = <E, R>(state: RequestState, answer: Answer<E, R>): Answer<E, R> =>
  Effect.onExit(answer, () =>
    Effect.logInfo("http request").pipe(
      Effect.annotateLogs({
        method: state.request.method,
        path: redactUrl(state.request.url),
        status: state.status,
        durationMs: Date.now() - state.startedAt
      })
    )
  )

/** Failures were already answered (as problems); only server-side ones deserve an error log with the cause. */
export const logServerErrors =
  (state: RequestState) =>
  <E, R>(answer: Answer<E, R>): Answer<E, R> =>
    Effect.tapErrorCause(answer, (cause) =>
      state.status >= 500 ? Effect.logError("request failed", cause) : Effect.void
    )
