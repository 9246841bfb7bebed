import { PgPool } from "@leadforge/adapters/postgres"
import { FieldProvenance, Lead, newId, Organization, OrganizationRepository } from "@leadforge/domain"
import { Arbitrary, Effect, Either, FastCheck, Schema } from "effect"
import { describe, expect, it } from "vitest"
import { postgresPersistence, resolvePostgres } from "../../packages/adapters/test/support/databases.js"
import { prepareLead } from "../../packages/cli/src/import/leadRows.js"
import { COLUMNS, leadColumns, writeLeadBatchCopy } from "../../packages/cli/src/import/leadWriter.js"

const json = (value: unknown) => (value === null || value === undefined ? null : JSON.parse(JSON.stringify(value)))

/** What leadColumns replaced: the row built from Schema.encode of the lead. */
const fromEncoding = (lead: Lead, identityKey: string) => {
  const e = Schema.encodeSync(Lead)(lead)
  return {
    ...e,
    identityKey,
    location: json(e.location),
    tags: json(e.tags),
    productInterests: json(e.productInterests),
    provenance: json(e.provenance)
  }
}

const parsedJson = (row: ReturnType<typeof leadColumns>) => ({
  ...row,
  location: row.location === null ? null : JSON.parse(row.location),
  tags: JSON.parse(row.tags ?? "null"),
  productInterests: JSON.parse(row.productInterests ?? "null"),
  provenance: JSON.parse(row.provenance ?? "null")
})

describe("the import's row encoding", () => {
  it("equals the Lead schema's encoding for any lead (property)", () => {
    FastCheck.assert(
      FastCheck.property(Arbitrary.make(Lead), FastCheck.string(), (lead, key) => {
        expect(parsedJson(leadColumns(lead, key))).toEqual(fromEncoding(lead, key))
      }),
      { numRuns: 300 }
    )
  })

  it("serializes only the provenance's own fields, even when the map inherits enumerable ones", () => {
    const lead = FastCheck.sample(Arbitrary.make(Lead), { seed: 7, numRuns: 1 })[0]!
    const entry = new FieldProvenance({
      origin: "import",
      confidence: 80,
      observedAt: new Date("2026-01-01T00:00:00Z")
    })
    // what `record["__proto__"] = entry` leaves behind (fast-check's dictionaries produce it): for…in sees origin,
    // confidence and observedAt as fields too
    const provenance = Object.setPrototypeOf({ constructor: entry }, entry) as Lead["provenance"]
    const odd = new Lead({ ...lead, provenance }, { disableValidation: true })
    expect(JSON.parse(leadColumns(odd, "k").provenance ?? "null")).toEqual({
      constructor: { origin: "import", confidence: 80, observedAt: "2026-01-01T00:00:00.000Z" }
    })
    expect(parsedJson(leadColumns(odd, "k"))).toEqual(fromEncoding(odd, "k"))
  })

  it("has exactly one COPY column per value, in the same order", () => {
    const lead = FastCheck.sample(Arbitrary.make(Lead), 1)[0]!
    const snake = Object.keys(leadColumns(lead, "k")).map((k) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`))
    expect(snake).toEqual([...COLUMNS])
  })
})

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
      const row = leadColumns(rival.lead, rival.identityKey)
      yield* Effect.promise(async () => {
        await other.query("BEGIN")
        const columns = Object.keys(row).map((k) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`))
        await other.query(
          `INSERT INTO leads (${columns.join(", ")}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(", ")})`,
          Object.values(row)
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
