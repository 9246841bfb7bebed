import { PgPool } from "@leadforge/adapters/postgres"
import { LEAD_COLUMNS, leadParams } from "@leadforge/adapters/sql"
import { Lead, LeadImportWriter, leadIdentity, newId, Organization, OrganizationRepository } from "@leadforge/domain"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { lead } from "./contract/fixtures.js"
import { postgresPersistence, resolvePostgres } from "./support/databases.js"

const postgres = await resolvePostgres()

describe.skipIf(postgres.kind === "none")("the import's COPY path on PostgreSQL", () => {
  it("falls back to the staging merge when another writer inserts one of the batch's new companies meanwhile", async () => {
    const program = Effect.gen(function* () {
      const pool = yield* PgPool
      const writer = yield* LeadImportWriter
      const organization = new Organization({ id: newId(), name: "Copy race", createdAt: new Date() })
      yield* (yield* OrganizationRepository).insert(organization)
      const now = new Date()
      const prepared = (name: string, domain: string, employees: number, at = now) => {
        const draft = lead(organization.id, {
          companyName: name,
          domain,
          employeeCount: employees,
          createdAt: at,
          updatedAt: at
        })
        return { lead: draft, identityKey: leadIdentity(draft)!.key }
      }
      const batch = [prepared("Racer GmbH", "racer.de", 40), prepared("Calm Ltd", "calm.co.uk", 10)]
      const score = { score: 50, grade: "C" as const }
      /** New identities are inserted; a stored one takes the batch's employee count (as a newer import would). */
      const plan = (stored: ReadonlyMap<string, Lead>) =>
        Effect.sync(() => {
          const inserts: Array<LeadImportWriter.Row> = []
          const updates: Array<LeadImportWriter.Row> = []
          for (const row of batch) {
            const existing = stored.get(row.identityKey)
            if (existing === undefined) inserts.push({ ...row, score })
            else {
              const merged = new Lead({
                ...existing,
                employeeCount: row.lead.employeeCount,
                updatedAt: now,
                version: existing.version + 1
              })
              updates.push({ lead: merged, identityKey: row.identityKey, score })
            }
          }
          return { inserts, updates, result: { inserted: inserts.length, updated: updates.length, unchanged: 0 } }
        })

      // Another transaction inserts racer.de and holds it uncommitted: the batch's lookup does not see it, plans
      // racer.de as new, and its COPY waits on the unique index until the other side commits.
      const other = yield* Effect.promise(() => pool.connect())
      const rival = prepared("Racer (rival)", "racer.de", 5, new Date(now.getTime() - 86_400_000))
      yield* Effect.promise(async () => {
        await other.query("BEGIN")
        await other.query(
          `INSERT INTO leads (${LEAD_COLUMNS.join(", ")}) VALUES (${LEAD_COLUMNS.map((_, i) => `$${i + 1}`).join(", ")})`,
          leadParams(rival.lead, rival.identityKey)
        )
      })
      const commitLater = Effect.promise(async () => {
        await new Promise((resolve) => setTimeout(resolve, 300))
        await other.query("COMMIT")
        other.release()
      })
      const [result] = yield* Effect.all(
        [
          writer.writeBatch(
            organization.id,
            batch.map((row) => row.identityKey),
            plan,
            { dryRun: false }
          ),
          commitLater
        ],
        { concurrency: "unbounded" }
      )
      expect(result).toEqual({ inserted: 1, updated: 1, unchanged: 0 })
      const stored = yield* Effect.promise(() =>
        pool.query(
          "SELECT domain, company_name, employee_count FROM leads WHERE organization_id = $1 ORDER BY domain",
          [organization.id]
        )
      )
      // one racer.de (the rival's row, updated with the batch's newer imported values), and calm.co.uk
      expect(stored.rows.map((r) => r.domain)).toEqual(["calm.co.uk", "racer.de"])
      expect(stored.rows.find((r) => r.domain === "racer.de")?.employee_count).toBe(40)
    })
    await Effect.runPromise(Effect.scoped(program.pipe(Effect.provide(postgresPersistence(postgres)))))
  }, 60_000)
})
