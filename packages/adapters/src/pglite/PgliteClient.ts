import * as Reactivity from "@effect/experimental/Reactivity"
import * as SqlClient from "@effect/sql/SqlClient"
import type { Connection } from "@effect/sql/SqlConnection"
import { SqlError } from "@effect/sql/SqlError"
import * as PgClient from "@effect/sql-pg/PgClient"
import type { PGlite } from "@electric-sql/pglite"
import { Context, Effect, Layer, Stream } from "effect"
import { slice } from "../shared/eventLoop.js"

/** The open PGlite instance behind the SqlClient (for tests and tools that need the raw handle). */
export class PgliteDatabase extends Context.Tag("@leadforge/adapters/pglite/PgliteDatabase")<
  PgliteDatabase,
  PGlite
>() {}

export interface PgliteClientOptions {
  readonly transformQueryNames?: ((name: string) => string) | undefined
  readonly transformResultNames?: ((name: string) => string) | undefined
}

/**
 * An @effect/sql client that calls PGlite directly. PGlite is one backend, so statements and transactions are
 * serialized by a one-permit semaphore: a plain statement takes it for its own run, a transaction holds it from
 * BEGIN to COMMIT and nothing else can interleave with it. PGlite runs on this thread, so every statement is a
 * `slice` of the thread's time: after a few busy milliseconds the event loop gets a turn before the next one.
 */
export const make = (db: PGlite, options: PgliteClientOptions = {}) =>
  Effect.gen(function* () {
    const compiler = PgClient.makeCompiler(options.transformQueryNames, false)
    const transformRows = options.transformResultNames
      ? <A extends object>(rows: ReadonlyArray<A>): ReadonlyArray<A> =>
          rows.map((row) => renameKeys(row, options.transformResultNames!) as A)
      : undefined
    const permit = yield* Effect.makeSemaphore(1)

    const run = (sql: string, params: ReadonlyArray<unknown>, rowMode?: "array") =>
      slice(
        Effect.tryPromise({
          try: () => db.query<object>(sql, params as Array<unknown>, rowMode ? { rowMode } : undefined),
          catch: (cause) => new SqlError({ cause, message: "Failed to execute statement" })
        })
      )

    /** Statements on `connection` assume the permit is already held: a transaction took it at BEGIN. */
    const connection: Connection = {
      execute: (sql, params, transform) =>
        Effect.map(run(sql, params), (r) => (transform ? transform(r.rows) : r.rows)),
      executeRaw: (sql, params) => run(sql, params),
      executeValues: (sql, params) =>
        Effect.map(run(sql, params, "array"), (r) => r.rows as unknown as ReadonlyArray<ReadonlyArray<unknown>>),
      executeUnprepared: (sql, params, transform) =>
        params.length === 0
          ? Effect.map(
              slice(
                Effect.tryPromise({
                  try: () => db.exec(sql),
                  catch: (cause) => new SqlError({ cause, message: "Failed to execute statement" })
                })
              ),
              (results) => {
                const rows = (results.at(-1)?.rows ?? []) as ReadonlyArray<object>
                return transform ? transform(rows) : rows
              }
            )
          : Effect.map(run(sql, params), (r) => (transform ? transform(r.rows) : r.rows)),
      executeStream: (sql, params, transform) =>
        Stream.fromIterableEffect(Effect.map(run(sql, params), (r) => (transform ? transform(r.rows) : r.rows)))
    }

    /**
     * Statements outside a transaction take the permit for the statement alone (no scope or finalizer per
     * statement); a statement waits while a transaction holds it.
     */
    const withPermit = permit.withPermits(1)
    const statement: Connection = {
      execute: (sql, params, transform) => withPermit(connection.execute(sql, params, transform)),
      executeRaw: (sql, params) => withPermit(connection.executeRaw(sql, params)),
      executeValues: (sql, params) => withPermit(connection.executeValues(sql, params)),
      executeUnprepared: (sql, params, transform) => withPermit(connection.executeUnprepared(sql, params, transform)),
      executeStream: (sql, params, transform) =>
        Stream.fromIterableEffect(
          withPermit(Effect.map(run(sql, params), (r) => (transform ? transform(r.rows) : r.rows)))
        )
    }

    /**
     * A transaction (or `sql.reserve`) holds the permit from BEGIN to COMMIT / ROLLBACK. Waiting for it is
     * interruptible (@effect/sql acquires a transaction's connection in an uninterruptible region), so a request
     * whose client went away leaves the queue at once instead of taking the writer only to roll back.
     */
    const reserve = Effect.as(
      Effect.acquireRelease(Effect.interruptible(permit.take(1)), () => permit.release(1)),
      connection
    )

    return yield* SqlClient.make({
      acquirer: Effect.succeed(statement),
      transactionAcquirer: reserve,
      compiler,
      spanAttributes: [
        ["db.system.name", "postgresql"],
        ["db.namespace", "pglite"]
      ],
      transformRows
    })
  })

const renameKeys = (row: object, rename: (name: string) => string): object => {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(row)) out[rename(key)] = value
  return out
}

/** SqlClient over an already provided PgliteDatabase. */
export const layer = (options: PgliteClientOptions = {}): Layer.Layer<SqlClient.SqlClient, never, PgliteDatabase> =>
  Layer.scoped(
    SqlClient.SqlClient,
    Effect.flatMap(PgliteDatabase, (db) => make(db, options))
  ).pipe(Layer.provide(Reactivity.layer))
