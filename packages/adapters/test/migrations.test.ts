import * as fs from "node:fs"
import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it, type Vitest } from "@effect/vitest"
import { Persistence } from "@leadforge/adapters/pglite"
import { migrate, vectorBackend } from "@leadforge/adapters/sql"
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
  "organizations",
  "products",
  "research_tasks",
  "users"
]

const migrationSuite = (vector: "pgvector" | "none") => (it: Vitest.MethodsNonLive<SqlClient.SqlClient>) => {
  it.effect("migrates an empty database to head", () =>
    Effect.gen(function* () {
      const applied = yield* migrate
      expect(applied.map(([id]) => id)).toEqual([1, 2, 3, 4])
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
