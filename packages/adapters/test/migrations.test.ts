import * as fs from "node:fs"
import * as Migrator from "@effect/sql/Migrator"
import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it, type Vitest } from "@effect/vitest"
import { Persistence } from "@leadforge/adapters/pglite"
import { migrate, migrations, vectorBackend } from "@leadforge/adapters/sql"
import { Effect, Layer } from "effect"
import { postgresClient, resolvePostgres, tempDir } from "./support/databases.js"

const postgres = await resolvePostgres()

const tables = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const rows = yield* sql<{ readonly tableName: string }>`
    SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`
  return rows.map((r) => r.tableName)
})

const expected = [
  "activities",
  "api_keys",
  "audit_events",
  "campaigns",
  "contacts",
  "conversations",
  "data_sources",
  "knowledge_chunks",
  "knowledge_docs",
  "leadforge_vector_indexes",
  "leads",
  "memberships",
  "one_time_links",
  "organizations",
  "products",
  "refresh_tokens",
  "research_tasks",
  "sessions",
  "users"
]

const migrationSuite = (vector: "pgvector" | "none") => (it: Vitest.MethodsNonLive<SqlClient.SqlClient>) => {
  it.effect(
    "migrates an empty database to head; 0006 turns per-organization users into accounts with memberships",
    () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const beforePeople = Migrator.make({})({
          loader: Effect.map(migrations, (all) => all.filter(([id]) => id < 6)),
          table: "leadforge_migrations"
        })
        expect((yield* beforePeople).map(([id]) => id)).toEqual([1, 2, 3, 4])
        const [orgA, orgB] = [crypto.randomUUID(), crypto.randomUUID()]
        const [adaA, adaB, bob] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()]
        yield* sql`INSERT INTO organizations (id, name, created_at) VALUES
        (${orgA}, 'A', '2026-01-01T00:00:00Z'), (${orgB}, 'B', '2026-01-01T00:00:00Z')`
        yield* sql`INSERT INTO users (id, organization_id, email, name, role, created_at) VALUES
        (${adaA}, ${orgA}, 'ada@example.com', 'Ada', 'admin', '2026-01-01T00:00:00Z'),
        (${adaB}, ${orgB}, 'ADA@example.com', 'Ada B', 'viewer', '2026-01-02T00:00:00Z'),
        (${bob}, ${orgA}, 'bob@example.com', 'Bob', 'member', '2026-01-03T00:00:00Z')`
        const applied = yield* migrate
        expect(applied.map(([id]) => id)).toEqual([6])
        const users = yield* sql<{
          readonly id: string
          readonly email: string
        }>`SELECT id, email FROM users ORDER BY email`
        expect(users).toEqual([
          { id: adaA, email: "ada@example.com" },
          { id: bob, email: "bob@example.com" }
        ])
        const memberships = yield* sql<{
          readonly organizationId: string
          readonly userId: string
          readonly role: string
        }>`
        SELECT organization_id, user_id, role FROM memberships ORDER BY created_at`
        expect(memberships).toEqual([
          { organizationId: orgA, userId: adaA, role: "admin" },
          { organizationId: orgB, userId: adaA, role: "viewer" },
          { organizationId: orgA, userId: bob, role: "member" }
        ])
        const duplicate = yield* Effect.flip(
          sql`INSERT INTO users (id, email, name, created_at, updated_at)
          VALUES (${crypto.randomUUID()}, 'Bob@Example.com', 'Bob 2', now(), now())`
        )
        expect(duplicate._tag).toBe("SqlError")
        const names = yield* tables
        for (const table of expected) expect(names).toContain(table)
        expect(yield* vectorBackend).toBe(vector)
      })
  )

  it.effect("applies nothing the second time", () =>
    Effect.gen(function* () {
      expect(yield* migrate).toEqual([])
    })
  )
}

describe("migrations on PGlite", () => {
  const dataDir = tempDir()
  const layer = Layer.scopedDiscard(
    Effect.addFinalizer(() => Effect.sync(() => fs.rmSync(dataDir, { recursive: true, force: true })))
  ).pipe(Layer.provideMerge(Persistence.client({ dataDir })))
  it.layer(layer, { timeout: 60_000 })("PGlite", migrationSuite("pgvector"))
})

describe.skipIf(postgres.kind === "none")("migrations on PostgreSQL", () => {
  if (postgres.kind === "none") return
  // the local server has no pgvector; a testcontainers server uses the pgvector image
  it.layer(postgresClient(postgres), { timeout: 60_000 })(
    "PostgreSQL",
    migrationSuite(postgres.kind === "docker" ? "pgvector" : "none")
  )
})
