import { Postgres } from "@leadforge/adapters/postgres"
import { type Context, Effect, Layer, Redacted } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { backends, type RunningServer, raw, startServer } from "./support.js"

const postgres = backends.find((b) => b.name === "postgres")!

/** The server's own SqlClient (the test package does not depend on @effect/sql, so it is looked up by key). */
interface RawSql {
  readonly unsafe: (statement: string) => Effect.Effect<ReadonlyArray<Record<string, unknown>>, unknown>
}
const sqlOf = (context: Context.Context<never>) => context.unsafeMap.get("@effect/sql/SqlClient") as RawSql

/** Takes the server's database away for real, from an admin connection: no new connections, existing ones ended. */
const takeDatabaseDown = async (server: RunningServer) => {
  const [row] = await Effect.runPromise(sqlOf(server.context).unsafe("SELECT current_database() AS name"))
  const name = String(row!.name)
  await Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const admin = sqlOf(yield* Layer.build(Postgres.layer({ url: Redacted.make(process.env.DATABASE_URL!) })))
        yield* admin.unsafe(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`)
        yield* admin.unsafe(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}'`)
      })
    )
  )
}

describe.skipIf(postgres.skip !== undefined)("HTTP API when the database is down (Postgres)", () => {
  let server: RunningServer

  beforeAll(async () => {
    const persistence = await postgres.persistence()
    if (persistence === null) throw new Error("no Postgres database: set DATABASE_URL")
    server = await startServer(persistence, postgres.env)
  })
  afterAll(() => server?.close())

  it("/health answers 503 unhealthy quickly, and API calls get a 503 problem without internals", async () => {
    const up = await raw(server, "/health")
    expect(up.status).toBe(200)
    const healthy = await up.json()
    await takeDatabaseDown(server)
    const started = Date.now()
    const health = await raw(server, "/health")
    expect(Date.now() - started).toBeLessThan(2_000)
    expect(health.status).toBe(503)
    const unhealthy = await health.json()
    expect(unhealthy).toMatchObject({ status: "unhealthy", services: { database: "disconnected" } })
    // the 503 body has the 200 body's shape: the same keys, no `_tag`
    expect(Object.keys(unhealthy).sort()).toEqual(Object.keys(healthy).sort())
    expect(Object.keys(unhealthy.services).sort()).toEqual(Object.keys(healthy.services).sort())
    const call = await raw(server, "/api/v1/leads", { key: server.adminKey })
    expect(call.status).toBe(503)
    const text = await call.text()
    expect(JSON.parse(text)).toMatchObject({ status: 503, code: "unavailable" })
    expect(text).not.toMatch(/ALLOW_CONNECTIONS|accepting connections|lf_test_|SELECT/i)
  })
})
