import { createHash } from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import { Persistence as PglitePersistence } from "@leadforge/adapters/pglite"
import { Actor, type LeadId, type OrganizationId, updateLead } from "@leadforge/domain"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { contactsCsv, leadsNdjson, mixedLeadsCsv } from "./fixtures.js"
import { buildCli, expectFailure, expectUsage, freshPostgres, ndjson, runCli, tempDir } from "./support.js"

const SLOW = 180_000

beforeAll(buildCli, 600_000)

const work = tempDir("leadforge-cli-test-")
afterAll(() => fs.rmSync(work, { recursive: true, force: true }))
const file = (name: string, content: string) => {
  const p = path.join(work, name)
  fs.writeFileSync(p, content)
  return p
}

describe("leadforge CLI: help and usage errors", () => {
  const env = { LEADFORGE_DATA_DIR: path.join(work, "usage") }

  it(
    "prints help for the root and for every command",
    async () => {
      const root = await runCli(["--help"], env)
      expect(root.code).toBe(0)
      for (const command of [
        "migrate",
        "seed",
        "import",
        "export",
        "leads list",
        "contacts validate",
        "keys create",
        "audit verify"
      ]) {
        expect(root.stdout).toContain(command)
      }
      expect(root.stdout).toContain("Exit codes: 0 ok, 1 failure, 2 usage error, 3 partial import")
      const help = await runCli(["import", "--help"], env)
      expect(help.code).toBe(0)
      for (const option of ["--type", "--map", "--dry-run", "--overwrite", "--errors", "<file>"])
        expect(help.stdout).toContain(option)
    },
    SLOW
  )

  it(
    "rejects bad arguments with exit code 2 and a message naming the problem",
    async () => {
      expectUsage(await runCli(["leads", "get", "not-a-uuid"], env), /Universally Unique Identifier/)
      expectUsage(await runCli(["import", "x.csv", "--type", "widgets"], env), /leads.*contacts|widgets/s)
      expectUsage(await runCli(["import", "x.csv", "--type", "leads", "--map", "nonsense"], env), /COLUMN=FIELD/)
      expectUsage(
        await runCli(["import", "x.csv", "--type", "leads", "--map", "A=colour"], env),
        /unknown leads field "colour"/
      )
      expectUsage(await runCli(["frobnicate"], env), /frobnicate|Invalid subcommand/)
      expectUsage(await runCli(["leads"], env), /missing command|subcommand/)
      expectUsage(await runCli(["seed"], env), /--demo/)
      const headerless = file("nocompany.csv", "Colour,Size\nred,3\n")
      expectUsage(await runCli(["import", headerless, "--type", "leads"], env), /no column .* maps to companyName/)
      // a malformed setting in the environment names the variable and what it must look like
      expectUsage(
        await runCli(["leads", "list"], { ...env, LEADFORGE_PGLITE_SHARED_BUFFERS: "lots" }),
        /configuration error: .*LEADFORGE_PGLITE_SHARED_BUFFERS.*kB, MB or GB/
      )
    },
    SLOW
  )
})

describe("leadforge CLI: DATABASE_URL set but empty", () => {
  it(
    "means the embedded database, like unset: migrate and a command on the data both run on PGlite",
    async () => {
      const env = { DATABASE_URL: "", LEADFORGE_DATA_DIR: path.join(work, "empty-url") }
      const migrated = await runCli(["migrate"], env)
      expect(migrated.stderr).not.toMatch(/unexpected error|SqlError/)
      expect(migrated.code).toBe(0)
      expect(migrated.stdout).toContain(`embedded PGlite in ${env.LEADFORGE_DATA_DIR}: migrated to head`)
      const status = await runCli(["migrate", "--status"], env)
      expect(status.code).toBe(0)
      expect(status.stdout).toContain("at head")
      const listed = await runCli(["leads", "list", "--json"], env)
      expect(listed.stderr).toBe("")
      expect(listed.code).toBe(0)
      expect(fs.existsSync(path.join(env.LEADFORGE_DATA_DIR, "PG_VERSION"))).toBe(true)
    },
    SLOW
  )
})

const backends: ReadonlyArray<{
  readonly name: string
  readonly env: () => Promise<{ readonly env: Record<string, string>; readonly cleanup: () => Promise<void> }>
  readonly skip?: string
}> = [
  {
    name: "PGlite",
    env: async () => ({ env: { LEADFORGE_DATA_DIR: tempDir("leadforge-cli-pglite-") }, cleanup: async () => {} })
  },
  {
    name: "PostgreSQL",
    ...(process.env.DATABASE_URL ? {} : { skip: "DATABASE_URL is not set" }),
    env: async () => {
      const db = await freshPostgres(process.env.DATABASE_URL as string)
      return { env: { DATABASE_URL: db.url }, cleanup: db.drop }
    }
  }
]

for (const backend of backends) {
  if (backend.skip !== undefined) console.warn(`SKIPPING the CLI suite on ${backend.name}: ${backend.skip}`)
  describe.skipIf(backend.skip !== undefined)(`leadforge CLI on ${backend.name}`, () => {
    let env: Record<string, string> = {}
    let cleanup = async () => {}
    beforeAll(async () => {
      ;({ env, cleanup } = await backend.env())
    }, 120_000)
    afterAll(() => cleanup(), 120_000)
    const cli = (args: ReadonlyArray<string>, input?: string) => runCli(args, env, input === undefined ? {} : { input })

    it(
      "migrates, and reports the migration status",
      async () => {
        const before = ndjson((await cli(["migrate", "--status", "--json"])).stdout)
        expect(before.length).toBeGreaterThanOrEqual(2)
        expect(before.every((m) => m.applied === false)).toBe(true)
        const applied = await cli(["migrate"])
        expect(applied.code, applied.stderr).toBe(0)
        expect(applied.stdout).toContain("migrated to head")
        const after = ndjson((await cli(["migrate", "--status", "--json"])).stdout)
        expect(after.every((m) => m.applied === true)).toBe(true)
        expect((await cli(["migrate"])).stdout).toContain("already at head")
      },
      SLOW
    )

    it(
      "imports a file of good and bad rows: good rows stored, bad ones reported, exit 3; a re-import changes nothing",
      async () => {
        const csv = file(`mixed-${backend.name}.csv`, mixedLeadsCsv)
        const errors = path.join(work, `errors-${backend.name}.csv`)
        const first = await cli(["import", csv, "--type", "leads", "--errors", errors, "--json"])
        expect(first.code, first.stderr).toBe(3)
        const lines = ndjson(first.stdout)
        const summary = lines.find((l) => l.type === "summary")
        expect(summary).toMatchObject({ rows: 8, inserted: 4, updated: 0, unchanged: 0, rejected: 4 })
        expect(summary?.sha256).toBe(createHash("sha256").update(mixedLeadsCsv).digest("hex"))
        const rejected = lines.filter((l) => l.type === "rejected")
        expect(rejected.map((r) => [r.row, r.field, r.code])).toEqual([
          [4, "companyName", "required"],
          [5, "employeeCount", "invalid_number"],
          [6, "fundingStage", "invalid_funding_stage"],
          [7, "(row)", "duplicate_in_file"]
        ])
        const report = fs.readFileSync(errors, "utf8").trim().split("\n")
        expect(report[0]).toBe("row,field,code,message")
        expect(report).toHaveLength(5)
        expect(report[2]).toContain('5,employeeCount,invalid_number,"must be a whole number, got ""lots"""')

        const again = await cli(["import", csv, "--type", "leads", "--json"])
        expect(again.code).toBe(3)
        expect(ndjson(again.stdout).find((l) => l.type === "summary")).toMatchObject({
          inserted: 0,
          updated: 0,
          unchanged: 4,
          rejected: 4
        })

        const listed = ndjson((await cli(["leads", "list", "--json"])).stdout)
        expect(listed.map((l) => l.domain).sort()).toEqual(["acme.de", "globex.com", "hooli.xyz", "initech.io"])
        const acme = listed.find((l) => l.domain === "acme.de")
        expect(acme).toMatchObject({
          companyName: "Acme GmbH",
          employeeCount: 120,
          fundingStage: "series_a",
          source: "import"
        })
        expect(acme?.location).toEqual({ city: "Berlin", country: "DE" })
        expect(acme?.tags).toEqual(["ai", "saas"])
      },
      SLOW
    )

    // on PostgreSQL this goes through the COPY path (staging table + INSERT … ON CONFLICT), so it runs on both
    it(
      "maps columns with --map, updates changed leads, and --dry-run writes nothing",
      async () => {
        const input = file(`mapped-${backend.name}.ndjson`, leadsNdjson)
        const dry = await cli(["import", input, "--type", "leads", "--map", "Firma=companyName", "--dry-run", "--json"])
        expect(dry.code, dry.stderr).toBe(0)
        expect(ndjson(dry.stdout).at(-1)).toMatchObject({ dryRun: true, inserted: 1, updated: 1, rejected: 0 })
        const unchanged = ndjson((await cli(["leads", "list", "--json"])).stdout)
        expect(unchanged).toHaveLength(4)

        const real = await cli(["import", "-", "--type", "leads", "--map", "Firma=company_name", "--json"], leadsNdjson)
        expect(real.code, real.stderr).toBe(0)
        expect(ndjson(real.stdout).at(-1)).toMatchObject({ format: "ndjson", inserted: 1, updated: 1, unchanged: 0 })
        const leads = ndjson((await cli(["leads", "list", "--json"])).stdout)
        expect(leads).toHaveLength(5)
        expect(leads.find((l) => l.domain === "acme.de")?.employeeCount).toBe(150)
        expect(leads.find((l) => l.domain === "stark.com")?.companyName).toBe("Stark Industries")
      },
      SLOW
    )

    it(
      "shows, scores and moves a lead",
      async () => {
        const [lead] = ndjson((await cli(["leads", "list", "--json", "--country", "de"])).stdout)
        expect(lead?.domain).toBe("acme.de")
        const id = String(lead?.id)
        const got = await cli(["leads", "get", id])
        expect(got.code).toBe(0)
        expect(got.stdout).toContain("Acme GmbH")
        const scored = ndjson((await cli(["leads", "score", id, "--explain", "--json"])).stdout)[0]
        expect(scored?.score).toBe(lead?.leadScore)
        expect(Array.isArray(scored?.factors) && scored.factors.length > 0).toBe(true)
        const moved = await cli(["leads", "status", id, "contacted"])
        expect(moved.code, moved.stderr).toBe(0)
        expect(moved.stdout).toContain("is now contacted")
        const illegal = await cli(["leads", "status", id, "won"])
        expectFailure(illegal, 'cannot move a lead from "contacted" to "won"')
        const missing = await cli(["leads", "get", "00000000-0000-4000-8000-000000000000"])
        expectFailure(missing, "no lead with id")
      },
      SLOW
    )

    it(
      "imports contacts onto existing leads and validates contacts from stdin",
      async () => {
        const imported = await cli([
          "import",
          file(`contacts-${backend.name}.csv`, contactsCsv),
          "--type",
          "contacts",
          "--json"
        ])
        expect(imported.code, imported.stderr).toBe(3)
        const lines = ndjson(imported.stdout)
        expect(lines.at(-1)).toMatchObject({ inserted: 2, rejected: 2 })
        expect(lines.filter((l) => l.type === "rejected").map((l) => [l.row, l.code])).toEqual([
          [3, "email_invalid"],
          [4, "unknown_lead"]
        ])
        const acme = ndjson((await cli(["leads", "list", "--json", "-q", "acme"])).stdout)[0]
        const detail = ndjson((await cli(["leads", "get", String(acme?.id), "--json"])).stdout)[0]
        expect(
          ((detail?.contacts ?? []) as Array<{ email: string; seniority: string }>).map((c) => [c.email, c.seniority])
        ).toEqual([["jane.doe@acme.de", "c_level"]])

        const validated = await cli(
          ["contacts", "validate", "-", "--json"],
          "jane.doe@acme.de\ninfo@acme.de\nnot-an-email\n"
        )
        expect(validated.code).toBe(0)
        expect(ndjson(validated.stdout).map((r) => [r.row, r.status])).toEqual([
          [1, "risky"],
          [2, "risky"],
          [3, "invalid"]
        ])
      },
      SLOW
    )

    it(
      "creates, lists and revokes API keys; stores only a hash",
      async () => {
        const created = ndjson((await cli(["keys", "create", "--name", "ci", "--role", "admin", "--json"])).stdout)[0]
        expect(String(created?.key)).toMatch(/^lf_[A-Za-z0-9_-]{32,}$/)
        const listed = await cli(["keys", "list", "--json"])
        expect(listed.stdout).not.toContain(String(created?.key))
        expect(ndjson(listed.stdout)[0]).toMatchObject({ id: created?.id, role: "admin", revokedAt: null })
        expect(ndjson(listed.stdout)[0]).not.toHaveProperty("hash")
        expect((await cli(["keys", "revoke", String(created?.id)])).code).toBe(0)
        const again = await cli(["keys", "revoke", String(created?.id)])
        expectFailure(again, "no active API key")
        // the same audit details as the HTTP API records for the same acts
        const events = ndjson(
          (await cli(["audit", "list", "--entity-type", "api_key", "--entity-id", String(created?.id), "--json"]))
            .stdout
        )
        expect(Object.fromEntries(events.map((e) => [e.action, e.details]))).toEqual({
          create: { name: "ci", role: "admin", prefix: created?.prefix },
          delete: {}
        })
      },
      SLOW
    )

    it(
      "audits each import as one event with its counts and SHA-256, and verifies the chain",
      async () => {
        const events = ndjson((await cli(["audit", "list", "--entity-type", "import", "--json"])).stdout)
        expect(events.length).toBeGreaterThanOrEqual(3)
        expect(events[0]?.details).toMatchObject({
          type: "leads",
          rows: 8,
          inserted: 4,
          rejected: 4,
          sha256: createHash("sha256").update(mixedLeadsCsv).digest("hex")
        })
        const verified = await cli(["audit", "verify", "--json"])
        expect(verified.code).toBe(0)
        expect(ndjson(verified.stdout)[0]).toMatchObject({ valid: true })
      },
      SLOW
    )

    if (backend.name === "PGlite")
      it(
        "keeps a person's edits on re-import, and lets the file's values win with --overwrite",
        async () => {
          const dataDir = tempDir("leadforge-cli-overwrite-")
          const own = { LEADFORGE_DATA_DIR: dataDir }
          const header = "Company,Website,Industry,Employees\n"
          const first = file("overwrite-1.csv", `${header}Ovr GmbH,https://ovr.de,retail,10\n`)
          expect((await runCli(["import", first, "--type", "leads"], own)).code).toBe(0)
          const [stored] = ndjson((await runCli(["leads", "list", "--json"], own)).stdout) as Array<{
            id: LeadId
            organizationId: OrganizationId
            version: number
          }>
          // a person corrects the industry through the library (what PATCH /api/v1/leads/:id runs)
          await Effect.runPromise(
            updateLead(
              { organizationId: stored!.organizationId, actor: new Actor({ type: "user", id: "editor" }) },
              stored!.id,
              { industry: "software" },
              stored!.version
            ).pipe(Effect.provide(PglitePersistence.pglite({ dataDir })))
          )

          const newer = file("overwrite-2.csv", `${header}Ovr GmbH,https://ovr.de,fintech,25\n`)
          const kept = await runCli(["import", newer, "--type", "leads", "--json"], own)
          expect(ndjson(kept.stdout).at(-1)).toMatchObject({ updated: 1 })
          const afterImport = ndjson((await runCli(["leads", "get", stored!.id, "--json"], own)).stdout)[0]
          expect(afterImport).toMatchObject({ industry: "software", employeeCount: 25 })

          const forced = await runCli(["import", newer, "--type", "leads", "--overwrite", "--json"], own)
          expect(ndjson(forced.stdout).at(-1)).toMatchObject({ updated: 1, overwrite: true })
          const afterOverwrite = ndjson((await runCli(["leads", "get", stored!.id, "--json"], own)).stdout)[0]
          expect(afterOverwrite).toMatchObject({ industry: "fintech", employeeCount: 25 })
          fs.rmSync(dataDir, { recursive: true, force: true })
        },
        SLOW
      )

    it(
      "seeds demo data: leads across industries and countries, good and risky contacts (bad ones rejected), activities; a second seed changes nothing",
      async () => {
        // a database of its own: the demo organization is the only one
        const { env: seedEnv, cleanup: dropSeeded } = await backend.env()
        try {
          const first = await runCli(["seed", "--demo", "--leads", "60", "--json"], seedEnv)
          expect(first.code, first.stderr).toBe(0)
          const summary = ndjson(first.stdout)[0] as {
            organizationId: string
            leads: { inserted: number; rejected: number }
            contacts: { inserted: number; rejected: number; generated: { good: number; risky: number; bad: number } }
            activities: number
          }
          expect(summary.leads.inserted).toBeGreaterThan(0)
          expect(summary.leads.rejected).toBe(0)
          expect(summary.contacts.generated.good).toBeGreaterThan(0)
          expect(summary.contacts.generated.risky).toBeGreaterThan(0)
          expect(summary.contacts.generated.bad).toBeGreaterThan(0)
          // bad emails are rejected by validation; good and risky ones are stored
          expect(summary.contacts.rejected).toBeGreaterThanOrEqual(summary.contacts.generated.bad)
          expect(summary.activities).toBeGreaterThan(0)

          const scope = ["--org", summary.organizationId]
          const leads = ndjson(
            (await runCli(["export", "--type", "leads", "--format", "ndjson", ...scope], seedEnv)).stdout
          )
          expect(leads).toHaveLength(summary.leads.inserted)
          expect(new Set(leads.map((l) => l.industry)).size).toBeGreaterThanOrEqual(5)
          expect(new Set(leads.map((l) => l.country)).size).toBeGreaterThanOrEqual(5)
          const contacts = ndjson(
            (await runCli(["export", "--type", "contacts", "--format", "ndjson", ...scope], seedEnv)).stdout
          )
          expect(contacts).toHaveLength(summary.contacts.inserted)
          const statuses = new Set(contacts.map((c) => c.email_status))
          expect(statuses.has("valid")).toBe(true)
          expect([...statuses].some((s) => s !== "valid")).toBe(true)

          const second = await runCli(["seed", "--demo", "--leads", "60", "--json", ...scope], seedEnv)
          expect(second.code, second.stderr).toBe(0)
          expect(ndjson(second.stdout)[0]).toMatchObject({
            organizationId: summary.organizationId,
            leads: { inserted: 0, updated: 0, unchanged: summary.leads.inserted },
            contacts: { inserted: 0, updated: 0, unchanged: summary.contacts.inserted },
            activities: 0
          })
        } finally {
          await dropSeeded()
        }
      },
      SLOW
    )

    it(
      "exports leads and contacts, and an export imported into an empty database reproduces the leads",
      async () => {
        const csv = await cli(["export", "--type", "leads"])
        expect(csv.code, csv.stderr).toBe(0)
        expect(csv.stdout.split("\n")[0]).toMatch(/^company_name,domain,website/)
        const contacts = await cli(["export", "--type", "contacts", "--format", "ndjson"])
        expect(
          ndjson(contacts.stdout)
            .map((c) => c.email)
            .sort()
        ).toEqual(["info@globex.com", "jane.doe@acme.de"])

        const other = { LEADFORGE_DATA_DIR: tempDir("leadforge-cli-roundtrip-") }
        const exported = file(`export-${backend.name}.csv`, csv.stdout)
        const imported = await runCli(["import", exported, "--type", "leads", "--json"], other)
        expect(imported.code, imported.stderr).toBe(0)
        const exportedRows = csv.stdout.trim().split("\n").length - 1
        expect(exportedRows).toBe(5)
        expect(ndjson(imported.stdout).at(-1)).toMatchObject({ inserted: exportedRows, rejected: 0 })
        const strip = (text: string) =>
          ndjson(text)
            .map(({ id: _id, created_at: _c, status: _s, lead_score: _l, grade: _g, ...rest }) => rest)
            .sort((a, b) => String(a.domain).localeCompare(String(b.domain)))
        const again = await runCli(["export", "--type", "leads", "--format", "ndjson"], other)
        expect(strip(again.stdout)).toEqual(
          strip((await cli(["export", "--type", "leads", "--format", "ndjson"])).stdout)
        )
      },
      SLOW
    )
  })
}
