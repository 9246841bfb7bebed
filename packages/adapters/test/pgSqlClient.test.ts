import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import { PgPool } from "@leadforge/adapters/postgres"
import { Deferred, Effect, Fiber } from "effect"
import { postgresClient, resolvePostgres } from "./support/databases.js"
import { leadforgeSessions } from "./support/pgSessions.js"

const postgres = await resolvePostgres()

/** The pool of postgresClient holds 4 connections. */
const POOL_SIZE = 4

/** Polls on real time (the tests run on a TestClock). */
const until = <R>(what: string, condition: Effect.Effect<boolean, never, R>) =>
  Effect.gen(function* () {
    for (let i = 0; i < 3_000; i++) {
      if (yield* condition) return
      yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 10)))
    }
    return yield* Effect.die(new Error(`timed out waiting until ${what}`))
  })

const sessionsOf = Effect.flatMap(PgPool, (pool) =>
  Effect.promise(() => leadforgeSessions(pool.options.connectionString ?? ""))
)

describe.skipIf(postgres.kind === "none")("PgSqlClient: interruption (PostgreSQL)", () => {
  it.layer(postgresClient(postgres), { timeout: 60_000 })((it) => {
    it.effect("interrupted transactions end on the server at once, even with every pooled connection busy", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        yield* sql`CREATE TABLE IF NOT EXISTS pgsql_heads (id int PRIMARY KEY, n int NOT NULL)`
        yield* sql`INSERT INTO pgsql_heads VALUES (1, 0) ON CONFLICT DO NOTHING`

        // one transaction takes the row lock and runs a long statement; the others (more than the pool holds) queue
        // behind it, so no pooled connection is free while it runs
        const locked = yield* Deferred.make<void>()
        const holder = yield* Effect.fork(
          sql.withTransaction(
            sql`SELECT n FROM pgsql_heads WHERE id = 1 FOR UPDATE`.pipe(
              Effect.zipRight(Deferred.succeed(locked, undefined)),
              Effect.zipRight(sql`SELECT pg_sleep(30)`)
            )
          )
        )
        yield* Deferred.await(locked)
        const waiters = yield* Effect.forEach(
          Array.from({ length: POOL_SIZE * 2 }),
          () =>
            Effect.fork(
              sql.withTransaction(
                sql`UPDATE pgsql_heads SET n = n + 1 WHERE id = 1`.pipe(Effect.zipRight(sql`SELECT 1`))
              )
            ),
          { concurrency: "unbounded" }
        )
        yield* until(
          "the other pooled connections wait for the lock",
          Effect.map(
            sessionsOf,
            (sessions) => sessions.filter((s) => s.waitEventType === "Lock").length === POOL_SIZE - 1
          )
        )

        // all are interrupted, mid-statement or while waiting for a connection: none needs a free pooled connection
        // to end (with @effect/sql-pg the holder's cancel waited 5 s for one, holding the lock all along)
        const started = Date.now()
        yield* Fiber.interruptAll([holder, ...waiters])
        const ended = Date.now() - started
        expect(ended).toBeLessThan(2_000)

        yield* until(
          "no session waits for a lock or sits in a transaction",
          Effect.map(sessionsOf, (sessions) =>
            sessions.every((s) => s.waitEventType !== "Lock" && !(s.state ?? "").startsWith("idle in transaction"))
          )
        )
        // nothing was committed, and the pool serves the next statements
        const rows = yield* sql<{ readonly n: number }>`SELECT n FROM pgsql_heads WHERE id = 1`
        expect(rows).toEqual([{ n: 0 }])
        yield* sql.withTransaction(sql`UPDATE pgsql_heads SET n = n + 1 WHERE id = 1`)
        expect(yield* sql<{ readonly n: number }>`SELECT n FROM pgsql_heads WHERE id = 1`).toEqual([{ n: 1 }])
      })
    )

    it.effect("a statement interrupted outside a transaction is cancelled on the server", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const sleeping = yield* Effect.fork(sql`SELECT pg_sleep(30)`)
        yield* until(
          "the statement runs",
          Effect.map(sessionsOf, (sessions) => sessions.some((s) => s.state === "active"))
        )
        yield* Fiber.interrupt(sleeping)
        yield* until(
          "the statement is gone",
          Effect.map(sessionsOf, (sessions) => sessions.every((s) => s.state !== "active"))
        )
        expect(yield* sql<{ readonly one: number }>`SELECT 1 AS one`).toEqual([{ one: 1 }])
      })
    )
  })
})
