import { Readable } from "node:stream"
import { pipeline } from "node:stream/promises"
import { SqlError } from "@effect/sql/SqlError"
import { Effect } from "effect"
import type pg from "pg"
import { from as copyFrom } from "pg-copy-streams"

const SPECIAL = /[\\\t\n\r]/
const ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" }

/**
 * One value in COPY's text format: `\N` for null, Dates as ISO 8601, objects and arrays as JSON (for jsonb), and
 * backslash, tab, newline and carriage return escaped.
 */
export const copyText = (value: unknown): string => {
  if (value === null || value === undefined) return "\\N"
  const text =
    typeof value === "string"
      ? value
      : value instanceof Date
        ? value.toISOString()
        : typeof value === "object"
          ? JSON.stringify(value)
          : String(value)
  return SPECIAL.test(text) ? text.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]!) : text
}

/** One row in COPY's text format, newline-terminated. */
const copyLine = (row: ReadonlyArray<unknown>): string => {
  let out = ""
  for (let i = 0; i < row.length; i++) out += (i === 0 ? "" : "\t") + copyText(row[i])
  return `${out}\n`
}

/**
 * Rows as COPY text in pieces of about `size` characters. A batch is never one string: a megabyte-sized string (and
 * the Buffer it becomes) lands in V8's large-object space, which only a full collection frees, so a bulk load's
 * payloads piled up there as tens of megabytes of garbage.
 */
export function* copyChunks(rows: Iterable<ReadonlyArray<unknown>>, size = 64 * 1024): Generator<string> {
  let out = ""
  for (const row of rows) {
    out += copyLine(row)
    if (out.length >= size) {
      yield out
      out = ""
    }
  }
  if (out.length > 0) yield out
}

/** Streams `rows` through `COPY … FROM STDIN` on this client, a piece at a time, as the connection drains. */
export const copyRows = (
  client: pg.PoolClient,
  statement: string,
  rows: Iterable<ReadonlyArray<unknown>>
): Promise<void> => pipeline(Readable.from(copyChunks(rows), { objectMode: false }), client.query(copyFrom(statement)))

const sqlError = (message: string) => (cause: unknown) => new SqlError({ cause, message })

/** A parameterized statement on the transaction's connection; rows as the driver returns them (snake_case). */
export type Query = <T = Record<string, unknown>>(
  text: string,
  values?: ReadonlyArray<unknown>
) => Effect.Effect<ReadonlyArray<T>, SqlError>

/**
 * Runs `use` on one pooled connection inside BEGIN … COMMIT (ROLLBACK on any failure or interruption). A
 * connection that failed mid-transaction is destroyed rather than returned to the pool.
 */
export const withTransaction = <A, E, R>(
  pool: pg.Pool,
  use: (query: Query, client: pg.PoolClient) => Effect.Effect<A, E, R>
): Effect.Effect<A, E | SqlError, R> =>
  Effect.acquireUseRelease(
    Effect.tryPromise({ try: () => pool.connect(), catch: sqlError("Failed to acquire a connection") }),
    (client) => {
      const query: Query = <T = Record<string, unknown>>(text: string, values?: ReadonlyArray<unknown>) =>
        Effect.tryPromise({
          try: () => client.query(text, values as Array<unknown> | undefined).then((r) => r.rows as ReadonlyArray<T>),
          catch: sqlError("Failed to execute statement")
        })
      return query("BEGIN").pipe(
        Effect.zipRight(use(query, client)),
        Effect.tap(() => query("COMMIT")),
        Effect.onError(() => Effect.ignore(query("ROLLBACK")))
      )
    },
    (client, exit) => Effect.sync(() => client.release(exit._tag === "Failure" ? true : undefined))
  )
