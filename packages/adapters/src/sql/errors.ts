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

/** Node errno codes of a connection that cannot be made or was lost. */
const unavailableCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN"
])

const CONNECTION_LOST = /acquire connection|connection (?:terminated|refused)/i

/**
 * Connection loss, timeouts, cancellations, resource exhaustion: the database cannot answer right now.
 * SQLSTATE classes 08 (connection), 53 (resources) and 57 (operator intervention: 57014 statement timeout,
 * 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now — starting up, shutting down or in
 * recovery —, 57P05 idle session timeout), and single codes that mean "try again": lock_timeout (55P03),
 * idle_in_transaction_session_timeout (25P03), serialization failure (40001), deadlock (40P01). The rest of
 * class 55 (55000 object not in prerequisite state, 55006 object in use) is about the statement, not the
 * server, so it stays a defect.
 */
export const isUnavailable = (error: SqlError): boolean => {
  // A connection that cannot be had or was lost, whatever SQLSTATE came with it (a database that does not accept
  // connections answers 55000, which otherwise stays a defect).
  if (CONNECTION_LOST.test(`${error.message} ${String(causeOf(error).message ?? "")}`)) return true
  const code = sqlState(error)
  if (code !== undefined) {
    return (
      unavailableCodes.has(code) ||
      code.startsWith("08") || // connection exception
      code.startsWith("53") || // insufficient resources
      code.startsWith("57") || // operator intervention: statement timeout (57014), shutdown (57P01…)
      code === "55P03" || // lock_not_available (lock_timeout)
      code === "25P03" || // idle_in_transaction_session_timeout
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
