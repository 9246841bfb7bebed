import { PgPool } from "@leadforge/adapters/postgres"
import { leadParams } from "@leadforge/adapters/sql"
import { newId, Organization, OrganizationRepository } from "@leadforge/domain"
import { Effect, Either } from "effect"
import { describe, expect, it } from "vitest"
import { postgresPersistence, resolvePostgres } from "../../packages/adapters/test/support/databases.js"
import { prepareLead } from "../../packages/cli/src/import/leadRows.js"
import { COLUMNS, writeLeadBatchCopy } from "../../packages/cli/src/import/leadWriter.js"

const postgres = await resolvePostgres()

describe.skipIf(postgres.kind === "none")("the import's COPY path on PostgreSQL", () => {
  it("falls back to the staging merge when another writer inserts one of the batch's new companies meanwhile", async () => {
    const program = Effect.gen(function* () {
      const pool = yield* PgPool
      const organization = new Organization({ id: newId(), name: "Copy race", createdAt: new Date() })
      yield* (yield* OrganizationRepository).insert(organization)
      const now = new Date()
      const prepared = (row: number, name: string, domain: string, employees: number, at = now) => {
        const result = prepareLead(row, { companyName: name, domain, employeeCount: employees }, organization.id, at)
        if (Either.isLeft(result)) throw new Error(JSON.stringify(result.left))
        return result.right
      }
      const batch = [prepared(1, "Racer GmbH", "racer.de", 40), prepared(2, "Calm Ltd", "calm.co.uk", 10)]

      // Another transaction inserts racer.de and holds it uncommitted: the batch's lookup does not see it, plans
      // racer.de as new, and its COPY waits on the unique index until the other side commits.
      const other = yield* Effect.promise(() => pool.connect())
      const rival = prepared(1, "Racer (rival)", "racer.de", 5, new Date(now.getTime() - 86_400_000))
      yield* Effect.promise(async () => {
        await other.query("BEGIN")
        await other.query(
          `INSERT INTO leads (${COLUMNS.join(", ")}) VALUES (${COLUMNS.map((_, i) => `$${i + 1}`).join(", ")})`,
          leadParams(rival.lead, rival.identityKey)
        )
      })
      const commitLater = Effect.promise(async () => {
        await new Promise((resolve) => setTimeout(resolve, 300))
        await other.query("COMMIT")
        other.release()
      })
      const [result] = yield* Effect.all(
        [writeLeadBatchCopy(pool, organization.id, batch, { overwrite: false, dryRun: false, now }), commitLater],
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
