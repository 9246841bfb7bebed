import * as Reactivity from "@effect/experimental/Reactivity"
import * as SqlClient from "@effect/sql/SqlClient"
import type { Connection } from "@effect/sql/SqlConnection"
import { SqlError } from "@effect/sql/SqlError"
import * as Statement from "@effect/sql/Statement"
import * as PgClient from "@effect/sql-pg/PgClient"
import { Effect, Layer, Stream } from "effect"
import type pg from "pg"
import { backendKey, type CancelTarget, cancelTarget, sendCancelRequest } from "./cancelRequest.js"

export interface PgSqlClientOptions {
  readonly transformQueryNames?: ((name: string) => string) | undefined
  readonly transformResultNames?: ((name: string) => string) | undefined
}

type Rows = <A extends object>(rows: ReadonlyArray<A>) => ReadonlyArray<A>

/** A statement to send and how to read its result. */
interface Query<A> {
  readonly config: pg.QueryConfig & { readonly rowMode?: "array" }
  readonly result: (result: pg.QueryResult) => A
}

const rowsOf = (result: pg.QueryResult | ReadonlyArray<pg.QueryResult>) =>
  // a statement string holding several statements answers with one result each
  Array.isArray(result) ? result.map((r: pg.QueryResult) => r.rows ?? []) : (result as pg.QueryResult).rows

/** Thrown into a pool client's release so the pool closes it instead of handing it out again. */
const interrupted = () => new Error("a statement on this connection was interrupted")

/**
 * One pooled client, held for a statement or for a whole transaction. A client whose statement was interrupted
 * is never used again: its statement is cancelled with a CancelRequest and the client is closed, so PostgreSQL
 * ends the session, rolls back its transaction and frees its locks at once. (Reusing it would race the cancel
 * against the next statement sent on it.)
 */
class Lease {
  private released = false
  private failure: Error | undefined = undefined
  /** Set when a statement was interrupted: the session is being closed, and nothing more is sent on it. */
  closed = false

  constructor(
    readonly client: pg.PoolClient,
    private readonly target: CancelTarget
  ) {
    client.on("error", this.onError)
  }

  private readonly onError = (error: Error) => {
    this.failure = error
  }

  /** Back to the pool, or closed by it when the connection failed or was given up. */
  release() {
    if (this.released) return
    this.released = true
    this.client.off("error", this.onError)
    this.client.release(this.closed ? interrupted() : this.failure)
  }

  /** The canceller of an interrupted statement: cancel it on the server, close the session. */
  readonly interrupt = Effect.suspend(() => {
    const key = backendKey(this.client)
    this.closed = true
    this.release()
    return key === null ? Effect.void : sendCancelRequest(this.target, key)
  })
}

/**
 * An @effect/sql client over a `pg.Pool` (the repositories' SqlClient on PostgreSQL), written so that an
 * interrupted request never holds locks: @effect/sql-pg cancels an interrupted statement with
 * `SELECT pg_cancel_backend(…)` on another pooled connection, under a 5 s timeout, and while it waits the
 * interrupted transaction stays open; under load no connection is free, because the others wait for the locks that
 * transaction holds, so writes of its organization stall for the 5 s (and the queued cancel may later hit an
 * unrelated statement on that backend). Here:
 *
 * - an interrupted statement is cancelled by a CancelRequest on a new socket (no pooled connection needed) and its
 *   connection is closed, which ends the transaction on the server; the ROLLBACK @effect/sql then sends is moot
 *   and succeeds without being sent;
 * - a fiber interrupted between statements rolls back on its own connection, which goes back to the pool;
 * - waiting for a pooled connection is interruptible (a client that arrives for a fiber that gave up is released).
 *
 * Statements are compiled by @effect/sql-pg's compiler, so SQL, parameters and names are as with PgClient.
 */
export const make = (pool: pg.Pool, options: PgSqlClientOptions = {}) =>
  Effect.gen(function* () {
    const compiler = PgClient.makeCompiler(options.transformQueryNames, false)
    const transformRows = options.transformResultNames
      ? Statement.defaultTransforms(options.transformResultNames, false).array
      : undefined
    const target = cancelTarget(pool)

    const connect = Effect.async<Lease, SqlError>((resume) => {
      let abandoned = false
      pool.connect((cause, client) => {
        if (abandoned) {
          client?.release()
        } else if (cause || client === undefined) {
          resume(Effect.fail(new SqlError({ cause, message: "Failed to acquire connection" })))
        } else {
          resume(Effect.succeed(new Lease(client, target)))
        }
      })
      return Effect.sync(() => {
        abandoned = true
      })
    })

    /** A lease for the scope: the wait is interruptible, the lease is released when the scope closes. */
    const lease = Effect.acquireRelease(Effect.interruptible(connect), (lease) => Effect.sync(() => lease.release()))

    const send = <A>(lease: Lease, query: Query<A>, resume: (effect: Effect.Effect<A, SqlError>) => void) =>
      lease.client.query(query.config, (cause: Error | undefined, value: pg.QueryResult) => {
        if (cause) resume(Effect.fail(new SqlError({ cause, message: "Failed to execute statement" })))
        else resume(Effect.sync(() => query.result(value)))
      })

    /** A statement of a transaction, on the transaction's lease. */
    const onLease =
      (lease: Lease) =>
      <A>(query: Query<A>) =>
        Effect.async<A, SqlError>((resume) => {
          if (lease.closed) {
            resume(Effect.fail(new SqlError({ cause: interrupted(), message: "Failed to execute statement" })))
            return
          }
          send(lease, query, resume)
          return lease.interrupt
        })

    /** A statement outside a transaction takes a pooled client for its own run (no scope per statement). */
    const onItsOwn = <A>(query: Query<A>) =>
      Effect.async<A, SqlError>((resume) => {
        let abandoned = false
        let leased: Lease | undefined
        pool.connect((cause, client) => {
          if (abandoned) {
            client?.release()
          } else if (cause || client === undefined) {
            resume(Effect.fail(new SqlError({ cause, message: "Failed to acquire connection" })))
          } else {
            const lease = new Lease(client, target)
            leased = lease
            send(lease, query, (effect) => {
              lease.release()
              resume(effect)
            })
          }
        })
        return Effect.suspend(() => {
          abandoned = true
          return leased === undefined ? Effect.void : leased.interrupt
        })
      })

    const connection = (run: <A>(query: Query<A>) => Effect.Effect<A, SqlError>, closed: () => boolean): Connection => {
      const execute = (sql: string, params: ReadonlyArray<unknown>, transform: Rows | undefined) =>
        run({
          config: { text: sql, values: params as Array<unknown> },
          result: (result) => {
            const rows = rowsOf(result) as ReadonlyArray<object>
            return transform ? transform(rows) : rows
          }
        })
      return {
        execute,
        executeRaw: (sql, params) => run({ config: { text: sql, values: params as Array<unknown> }, result: (r) => r }),
        executeValues: (sql, params) =>
          run({
            config: { text: sql, values: params as Array<unknown>, rowMode: "array" },
            result: (r) => r.rows as unknown as ReadonlyArray<ReadonlyArray<unknown>>
          }),
        // A ROLLBACK on a session closed after an interrupted statement is done by the server as the session ends.
        executeUnprepared: (sql, params, transform) =>
          closed() && sql.startsWith("ROLLBACK") ? Effect.succeed([]) : execute(sql, params, transform),
        // Nothing here reads a statement as a cursor (exports page by key), so a stream is the statement's rows.
        executeStream: (sql, params, transform) => Stream.fromIterableEffect(execute(sql, params, transform))
      }
    }

    return yield* SqlClient.make({
      acquirer: Effect.succeed(connection(onItsOwn, () => false)),
      // a transaction (or `sql.reserve`) holds one client from BEGIN to COMMIT / ROLLBACK
      transactionAcquirer: Effect.map(lease, (lease) => connection(onLease(lease), () => lease.closed)),
      compiler,
      spanAttributes: [
        ["db.system.name", "postgresql"],
        ["server.address", target.host],
        ["server.port", target.port]
      ],
      transformRows
    })
  })

/** SqlClient over `pool` (whose lifetime the caller owns). */
export const layer = (pool: pg.Pool, options: PgSqlClientOptions = {}): Layer.Layer<SqlClient.SqlClient> =>
  Layer.scoped(SqlClient.SqlClient, make(pool, options)).pipe(Layer.provide(Reactivity.layer))
