import type { SqlError } from "@effect/sql/SqlError"
import { Unavailable } from "@leadforge/domain"
import { Effect } from "effect"

const causeOf = (error: SqlError): { readonly code?: unknown; readonly message?: unknown } =>
  typeof error.cause === "object" && error.cause !== null ? (error.cause as { code?: unknown }) : {}

/** The SQLSTATE (or Node errno code) behind a SqlError, if any. */
export const sqlState = (error: SqlError): string | undefined => {
  const code = causeOf(error).code
  return typeof code === "string" ? code : undefined
}

export const isUniqueViolation = (error: SqlError): boolean => sqlState(error) === "23505"

const unavailableCodes = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH"])

/** Connection loss, timeouts, cancellations, resource exhaustion: the database cannot answer right now. */
export const isUnavailable = (error: SqlError): boolean => {
  const code = sqlState(error)
  if (code !== undefined) {
    return (
      unavailableCodes.has(code) ||
      code.startsWith("08") || // connection exception
      code.startsWith("53") || // insufficient resources
      code.startsWith("57") || // operator intervention: statement timeout (57014), shutdown (57P01…)
      code === "40001" || // serialization failure
      code === "40P01" // deadlock
    )
  }
  const text = `${error.message} ${String(causeOf(error).message ?? "")}`
  return /timeout|timed out|terminated|connect|closed/i.test(text)
}

/** Infrastructure failures become Unavailable; anything else is a bug in our SQL and becomes a defect. */
export const toUnavailable = (error: SqlError): Effect.Effect<never, Unavailable> =>
  isUnavailable(error)
    ? Effect.fail(new Unavailable({ service: "database", reason: String(causeOf(error).message ?? error.message) }))
    : Effect.die(error)

/** Maps the SqlErrors left in an effect's error channel. */
export const orUnavailable = <A, E, R>(
  effect: Effect.Effect<A, E | SqlError, R>
): Effect.Effect<A, Exclude<E, SqlError> | Unavailable, R> =>
  Effect.catchIf(
    effect,
    (e): e is SqlError => typeof e === "object" && e !== null && (e as { _tag?: unknown })._tag === "SqlError",
    toUnavailable
  ) as Effect.Effect<A, Exclude<E, SqlError> | Unavailable, R>
