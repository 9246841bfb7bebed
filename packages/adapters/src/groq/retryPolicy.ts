import { Clock, Duration, Effect } from "effect"

/** How failed requests are retried: exponential backoff, `retry-after` honoured, all within a time budget. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  readonly maxRetries: number
  /** First backoff; doubled per retry, capped by maxDelay. */
  readonly baseDelay: Duration.Duration
  readonly maxDelay: Duration.Duration
  /** Total wall time from the first attempt after which no retry is started. */
  readonly budget: Duration.Duration
}

/** A failure the policy may retry, with the server's requested wait if it sent one. */
export interface Retryable {
  readonly retryable: boolean
  readonly retryAfter: Duration.Duration | undefined
}

/**
 * The wait a response asks for: `retry-after-ms`, else `retry-after` in seconds or as an HTTP date.
 * Undefined when absent or unparseable.
 */
export const parseRetryAfter = (
  headers: { get(name: string): string | null } | undefined,
  nowMillis: number
): Duration.Duration | undefined => {
  if (headers === undefined) return undefined
  const ms = headers.get("retry-after-ms")
  if (ms !== null && /^\d+(\.\d+)?$/.test(ms.trim())) return Duration.millis(Number(ms.trim()))
  const value = headers.get("retry-after")?.trim()
  if (value === undefined || value === "") return undefined
  if (/^\d+(\.\d+)?$/.test(value)) return Duration.millis(Number(value) * 1000)
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Duration.millis(Math.max(0, date - nowMillis))
}

/** The wait before retry number `retry` (0-based) when the server did not say. */
export const backoff = (policy: RetryPolicy, retry: number): Duration.Duration =>
  Duration.min(Duration.times(policy.baseDelay, 2 ** retry), policy.maxDelay)

/**
 * Runs `attempt` and retries it while the failure is retryable, the retry count allows, and the wait fits in
 * what is left of the budget. `giveUp` turns the last failure into the caller's error, told why it stopped.
 */
export const withRetries = <A, E extends Retryable, E2, R>(
  policy: RetryPolicy,
  attempt: (n: number) => Effect.Effect<A, E, R>,
  giveUp: (error: E, why: string) => E2,
  onRetry: (error: E, wait: Duration.Duration, n: number) => Effect.Effect<void> = () => Effect.void
): Effect.Effect<A, E2, R> =>
  Effect.gen(function* () {
    const start = yield* Clock.currentTimeMillis
    const budgetMs = Duration.toMillis(policy.budget)
    const loop = (n: number): Effect.Effect<A, E2, R> =>
      Effect.catchAll(attempt(n), (error) =>
        Effect.gen(function* () {
          if (!error.retryable) return yield* Effect.fail(giveUp(error, "not retryable"))
          if (n >= policy.maxRetries) {
            return yield* Effect.fail(giveUp(error, `gave up after ${n + 1} attempts`))
          }
          const wait = error.retryAfter ?? backoff(policy, n)
          const elapsed = (yield* Clock.currentTimeMillis) - start
          if (elapsed + Duration.toMillis(wait) > budgetMs) {
            return yield* Effect.fail(
              giveUp(
                error,
                `waiting ${Duration.format(wait)} would exceed the retry budget of ${Duration.format(policy.budget)}`
              )
            )
          }
          yield* onRetry(error, wait, n)
          yield* Effect.sleep(wait)
          return yield* loop(n + 1)
        })
      )
    return yield* loop(0)
  })
