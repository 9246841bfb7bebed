import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as SqlClient from "@effect/sql/SqlClient"
import { Persistence as PglitePersistence } from "@leadforge/adapters/pglite"
import { Postgres } from "@leadforge/adapters/postgres"
import { Persistence } from "@leadforge/adapters/sql"
import type { OrganizationId } from "@leadforge/domain"
import { type Context, Deferred, Effect, Fiber, Layer, Redacted } from "effect"
import pg from "pg"

/** Where the Postgres suites get a server: DATABASE_URL, else testcontainers when Docker answers. */
export type PostgresSource =
  | { readonly kind: "url"; readonly url: string }
  | { readonly kind: "docker" }
  | { readonly kind: "none"; readonly reason: string }

export const resolvePostgres = async (): Promise<PostgresSource> => {
  const url = process.env.DATABASE_URL
  if (url !== undefined && url !== "") return { kind: "url", url }
  try {
    const { getContainerRuntimeClient } = await import("testcontainers")
    await getContainerRuntimeClient()
    return { kind: "docker" }
  } catch {
    const reason = "no DATABASE_URL and Docker does not answer, so there is no PostgreSQL to test against"
    if (process.env.CI === "true") throw new Error(`PostgreSQL suites cannot run in CI: ${reason}`)
    console.warn(`SKIPPING the PostgreSQL suites: ${reason}. Set DATABASE_URL=postgres://… to run them.`)
    return { kind: "none", reason }
  }
}

const withDatabase = (url: string, name: string) => {
  const u = new URL(url)
  u.pathname = `/${name}`
  return u.toString()
}

/** A server URL for the suite: DATABASE_URL as given, or a testcontainers pgvector container. */
const serverUrl = (source: PostgresSource) =>
  source.kind === "url"
    ? Effect.succeed(source.url)
    : Effect.acquireRelease(
        Effect.promise(async () => {
          const { PostgreSqlContainer } = await import("@testcontainers/postgresql")
          return new PostgreSqlContainer("pgvector/pgvector:pg17").start()
        }),
        (container) => Effect.promise(() => container.stop())
      ).pipe(Effect.map((container) => container.getConnectionUri()))

/** A fresh database `lf_test_<random>` on the server, dropped when the scope closes. */
export const freshDatabaseUrl = (source: PostgresSource) =>
  Effect.gen(function* () {
    const admin = yield* serverUrl(source)
    const name = `lf_test_${Math.random().toString(36).slice(2, 10)}`
    const run = (statement: string) =>
      Effect.promise(async () => {
        const client = new pg.Client({ connectionString: admin })
        await client.connect()
        try {
          await client.query(statement)
        } finally {
          await client.end()
        }
      })
    yield* Effect.acquireRelease(run(`CREATE DATABASE ${name}`), () =>
      run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).pipe(Effect.orDie)
    )
    return withDatabase(admin, name)
  })

/** PgClient + pool on a fresh database (not migrated). */
export const postgresClient = (source: PostgresSource) =>
  Layer.unwrapScoped(
    Effect.map(freshDatabaseUrl(source), (url) =>
      Postgres.layer({ url: Redacted.make(url), poolSize: 4, statementTimeout: "10 seconds" })
    )
  )

/** Every repository on a fresh, migrated Postgres database. */
export const postgresPersistence = (source: PostgresSource) =>
  Persistence.layer.pipe(Layer.provideMerge(postgresClient(source)))

export const tempDir = (prefix = "leadforge-test-") => fs.mkdtempSync(path.join(os.tmpdir(), prefix))

/** Every repository on PGlite in a fresh temporary directory (removed afterwards). */
export const pglitePersistence = () =>
  Layer.unwrapScoped(
    Effect.map(
      Effect.acquireRelease(Effect.sync(tempDir), (dir) =>
        Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))
      ),
      (dataDir) => PglitePersistence.pglite({ dataDir })
    )
  )

/** Rows an organization has in every table the use cases write to, read straight from SQL (not through the ports). */
export const tableCounts = (organizationId: OrganizationId) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<Record<string, number>>`
      SELECT
        (SELECT count(*)::int FROM leads WHERE organization_id = ${organizationId}) AS leads,
        (SELECT count(*)::int FROM contacts WHERE organization_id = ${organizationId}) AS contacts,
        (SELECT count(*)::int FROM activities WHERE organization_id = ${organizationId}) AS activities,
        (SELECT count(*)::int FROM audit_events WHERE organization_id = ${organizationId}) AS audit_events,
        (SELECT coalesce(max(sequence), 0)::int FROM audit_heads WHERE organization_id = ${organizationId}) AS audit_head`
    return rows[0] ?? {}
  }).pipe(Effect.orDie)

/**
 * Runs one statement on the database behind `layer`, bypassing every port: what someone with database access
 * could do (tests of tamper evidence use it). The layer's resources are released afterwards.
 */
export const executeSql = (
  layer: Layer.Layer<SqlClient.SqlClient, unknown>,
  statement: string,
  params: ReadonlyArray<unknown> = []
) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe(statement, params)).pipe(
    Effect.provide(layer),
    Effect.scoped
  ) as Effect.Effect<ReadonlyArray<unknown>, unknown>

/** The organization's leads and the leads its audit chain records as created, straight from SQL. */
export const leadsAndTheirAudits = (organizationId: string) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const leads = yield* sql<{ readonly id: string }>`SELECT id FROM leads WHERE organization_id = ${organizationId}`
    const audited = yield* sql<{ readonly entityId: string }>`SELECT entity_id FROM audit_events
      WHERE organization_id = ${organizationId} AND entity_type = 'lead' AND action = 'create'`
    return { leads: new Set(leads.map((r) => r.id)), audited: new Set(audited.map((r) => r.entityId)) }
  }).pipe(Effect.orDie)

/**
 * Opens a transaction on the SqlClient and holds it until `release`: on PGlite that is the one writer, so every
 * other statement and transaction waits.
 */
export const holdTransaction = (context: Context.Context<SqlClient.SqlClient>) =>
  Effect.gen(function* () {
    const held = yield* Deferred.make<void>()
    const release = yield* Deferred.make<void>()
    const sql = yield* SqlClient.SqlClient
    const transaction = yield* Effect.forkDaemon(
      sql.withTransaction(
        sql`SELECT 1`.pipe(Effect.zipRight(Deferred.succeed(held, undefined)), Effect.zipRight(Deferred.await(release)))
      )
    )
    yield* Deferred.await(held)
    return {
      release: () => Effect.runPromise(Effect.zipRight(Deferred.succeed(release, undefined), Fiber.join(transaction)))
    }
  }).pipe(Effect.orDie, Effect.provide(context), Effect.runPromise)
