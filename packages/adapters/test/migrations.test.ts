import * as fs from "node:fs"
import * as Migrator from "@effect/sql/Migrator"
import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it, type Vitest } from "@effect/vitest"
import { Persistence } from "@leadforge/adapters/pglite"
import { migrate, migrationReport, migrations, vectorBackend } from "@leadforge/adapters/sql"
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
        expect((yield* beforePeople).map(([id]) => id)).toEqual([1, 2, 3, 4, 5])
        const [orgA, orgB] = [crypto.randomUUID(), crypto.randomUUID()]
        const [adaA, adaB, bob] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()]
        yield* sql`INSERT INTO organizations (id, name, created_at) VALUES
        (${orgA}, 'A', '2026-01-01T00:00:00Z'), (${orgB}, 'B', '2026-01-01T00:00:00Z')`
        yield* sql`INSERT INTO users (id, organization_id, email, name, role, created_at) VALUES
        (${adaA}, ${orgA}, 'ada@example.com', 'Ada', 'admin', '2026-01-01T00:00:00Z'),
        (${adaB}, ${orgB}, 'ADA@example.com', 'Ada B', 'viewer', '2026-01-02T00:00:00Z'),
        (${bob}, ${orgA}, 'bob@example.com', 'Bob', 'member', '2026-01-03T00:00:00Z')`
        const applied = yield* migrate
        expect(applied.map(([id]) => id)).toEqual([6, 7, 9])
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

  it.effect("reports a clean database as having no orphaned rows", () =>
    Effect.gen(function* () {
      expect(yield* migrationReport(5, "foreign_keys")).toBe("no orphaned rows")
    })
  )
}

/** Migrates to the level just before 0005, where databases of earlier versions are. */
const migrateBefore0005 = Migrator.make({})({
  loader: Effect.map(migrations, (all) => all.filter(([id]) => id < 5)),
  table: "leadforge_migrations"
})

/**
 * 0005_foreign_keys on a database written by earlier versions: a deleted lead left its contacts, activities,
 * conversations, data sources and research tasks behind, and knowledge documents pointing at it. The migration
 * removes or unlinks them, counts them in its report, and from then on the database refuses new orphans.
 */
const orphanSuite = (it: Vitest.MethodsNonLive<SqlClient.SqlClient>) => {
  it.effect("0005 cleans the orphans earlier versions left, reports how many, then enforces the references", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      expect((yield* migrateBefore0005).map(([id]) => id)).toEqual([1, 2, 3, 4])
      const org = crypto.randomUUID()
      const live = crypto.randomUUID()
      const gone = crypto.randomUUID()
      const now = new Date().toISOString()
      yield* sql`INSERT INTO leads (id, organization_id, identity_key, company_name, lead_score, grade, status, source,
          confidence, created_at, updated_at, version)
        VALUES (${live}, ${org}, 'name:live', 'Live', 0, 'D', 'new', 'manual', 100, ${now}, ${now}, 1)`
      const contactRow = (id: string, lead: string, email: string) => sql`
        INSERT INTO contacts (id, organization_id, lead_id, email, email_status, email_confidence, seniority, department,
          source, created_at, updated_at, version)
        VALUES (${id}, ${org}, ${lead}, ${email}, 'valid', 80, 'unknown', 'unknown', 'manual', ${now}, ${now}, 1)`
      const kept = crypto.randomUUID()
      const orphan = crypto.randomUUID()
      yield* contactRow(kept, live, "kept@live.example")
      yield* contactRow(orphan, gone, "orphan@gone.example")
      const activityRow = (lead: string, contact: string | null) => sql`
        INSERT INTO activities (id, organization_id, lead_id, contact_id, kind, occurred_at, created_at)
        VALUES (${crypto.randomUUID()}, ${org}, ${lead}, ${contact}, 'note', ${now}, ${now})`
      yield* activityRow(gone, orphan)
      yield* activityRow(gone, null)
      yield* activityRow(live, crypto.randomUUID()) // its contact is gone: unlinked, kept
      yield* activityRow(live, kept)
      yield* sql`INSERT INTO conversations (id, organization_id, lead_id, contact_id, subject, created_at, updated_at)
        VALUES (${crypto.randomUUID()}, ${org}, ${gone}, ${orphan}, 'Hi', ${now}, ${now})`
      yield* sql`INSERT INTO data_sources (id, organization_id, lead_id, type, confidence, fetched_at, created_at)
        VALUES (${crypto.randomUUID()}, ${org}, ${gone}, 'website', 50, ${now}, ${now}),
               (${crypto.randomUUID()}, ${org}, NULL, 'manual', 50, ${now}, ${now})`
      const task = (lead: string | null) => sql`
        INSERT INTO research_tasks (id, organization_id, kind, status, data, attempts, max_attempts, run_after,
          created_at, updated_at)
        VALUES (${crypto.randomUUID()}, ${org}, 'find_contacts', 'queued',
          ${JSON.stringify({ input: lead === null ? { kind: "query" } : { kind: "find_contacts", leadId: lead } })}::jsonb,
          0, 2, ${now}, ${now}, ${now})`
      yield* task(gone)
      yield* task(live)
      yield* task(null)
      const doc = crypto.randomUUID()
      yield* sql`INSERT INTO knowledge_docs (id, organization_id, title, content_type, text, lead_id, content_hash,
          created_at)
        VALUES (${doc}, ${org}, 'Notes', 'text', 'notes', ${gone}, 'hash-orphan', ${now})`

      expect((yield* migrate).map(([id]) => id)).toEqual([5, 6, 7, 9])
      expect(yield* migrationReport(5, "foreign_keys")).toBe(
        "removed orphaned rows (contacts 1, activities 2, conversations 1, dataSources 1); " +
          "unlinked (knowledgeDocs 1, activityContacts 1, conversationContacts 0)"
      )
      const counts = yield* sql<Record<string, number>>`SELECT
          (SELECT count(*)::int FROM contacts WHERE organization_id = ${org}) AS contacts,
          (SELECT count(*)::int FROM activities WHERE organization_id = ${org}) AS activities,
          (SELECT count(*)::int FROM activities WHERE organization_id = ${org} AND contact_id IS NOT NULL) AS linked,
          (SELECT count(*)::int FROM conversations WHERE organization_id = ${org}) AS conversations,
          (SELECT count(*)::int FROM data_sources WHERE organization_id = ${org}) AS data_sources,
          (SELECT count(*)::int FROM research_tasks WHERE organization_id = ${org}) AS tasks,
          (SELECT count(*)::int FROM research_tasks WHERE organization_id = ${org} AND lead_id = ${live}) AS live_tasks,
          (SELECT count(*)::int FROM knowledge_docs WHERE id = ${doc} AND lead_id IS NULL) AS unlinked_docs`
      expect(counts[0]).toEqual({
        contacts: 1,
        activities: 2,
        linked: 1,
        conversations: 0,
        dataSources: 1,
        tasks: 3,
        liveTasks: 1,
        unlinkedDocs: 1
      })

      // the email of the removed orphan no longer blocks anyone; a new orphan is refused by the database
      yield* contactRow(crypto.randomUUID(), live, "orphan@gone.example")
      const refused = yield* Effect.flip(contactRow(crypto.randomUUID(), crypto.randomUUID(), "new@gone.example"))
      expect(String((refused.cause as { code?: unknown }).code)).toBe("23503")
      // and deleting the lead row directly takes its contacts and activities with it
      yield* sql`DELETE FROM leads WHERE id = ${live}`
      const left = yield* sql<{ readonly n: number }>`
        SELECT ((SELECT count(*) FROM contacts WHERE organization_id = ${org}) +
                (SELECT count(*) FROM activities WHERE organization_id = ${org}))::int AS n`
      expect(left[0]?.n).toBe(0)
    })
  )
}

describe("migrations on PGlite", () => {
  const dataDir = tempDir()
  const layer = Layer.scopedDiscard(
    Effect.addFinalizer(() => Effect.sync(() => fs.rmSync(dataDir, { recursive: true, force: true })))
  ).pipe(Layer.provideMerge(Persistence.client({ dataDir })))
  it.layer(layer, { timeout: 60_000 })("PGlite", migrationSuite("pgvector"))
  const orphanDir = tempDir()
  const orphanLayer = Layer.scopedDiscard(
    Effect.addFinalizer(() => Effect.sync(() => fs.rmSync(orphanDir, { recursive: true, force: true })))
  ).pipe(Layer.provideMerge(Persistence.client({ dataDir: orphanDir })))
  it.layer(orphanLayer, { timeout: 60_000 })("PGlite, a database with orphans", orphanSuite)
})

describe.skipIf(postgres.kind === "none")("migrations on PostgreSQL", () => {
  if (postgres.kind === "none") return
  // the local server has no pgvector; a testcontainers server uses the pgvector image
  it.layer(postgresClient(postgres), { timeout: 60_000 })(
    "PostgreSQL",
    migrationSuite(postgres.kind === "docker" ? "pgvector" : "none")
  )
  it.layer(postgresClient(postgres), { timeout: 60_000 })("PostgreSQL, a database with orphans", orphanSuite)
})
