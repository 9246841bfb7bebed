import * as fs from "node:fs"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { buildCli, freshPostgres, ndjson, runCli, tempDir } from "./support.js"

const SLOW = 300_000

beforeAll(buildCli, 600_000)

const work = tempDir("leadforge-cli-contacts-")
afterAll(() => fs.rmSync(work, { recursive: true, force: true }))

const postgres = process.env.DATABASE_URL

const backends = [
  { name: "PGlite", env: async () => ({ env: { LEADFORGE_DATA_DIR: path.join(work, "db") }, drop: async () => {} }) },
  ...(postgres === undefined || postgres === ""
    ? []
    : [
        {
          name: "PostgreSQL",
          env: async () => {
            const database = await freshPostgres(postgres)
            return { env: { DATABASE_URL: database.url }, drop: database.drop }
          }
        }
      ])
]

for (const backend of backends) {
  describe(`leadforge contacts across leads on ${backend.name}`, () => {
    it(
      "lists by pages, searches and shows one contact with its lead and activities",
      async () => {
        const { drop, env } = await backend.env()
        try {
          expect((await runCli(["seed", "--demo", "--leads", "12"], env)).code).toBe(0)
          const first = await runCli(["contacts", "list", "--json", "--limit", "3"], env)
          expect(first.code, first.stderr).toBe(0)
          const rows = ndjson(first.stdout)
          const contacts = rows.filter((r) => r.id !== undefined)
          expect(contacts).toHaveLength(3)
          const cursor = rows.find((r) => r.nextCursor !== undefined)?.nextCursor as string
          expect(typeof cursor).toBe("string")
          const next = ndjson(
            (await runCli(["contacts", "list", "--json", "--limit", "3", "--cursor", cursor], env)).stdout
          )
          const nextIds = next.filter((r) => r.id !== undefined).map((r) => r.id)
          expect(nextIds.some((id) => contacts.some((c) => c.id === id))).toBe(false)

          const valid = ndjson((await runCli(["contacts", "list", "--json", "--email-status", "valid"], env)).stdout)
          expect(valid.filter((r) => r.id !== undefined).every((r) => r.emailStatus === "valid")).toBe(true)

          const someone = contacts.find((c) => typeof c.lastName === "string")!
          const found = ndjson((await runCli(["contacts", "search", String(someone.lastName), "--json"], env)).stdout)
          expect(found.map((h) => (h.contact as { id: string }).id)).toContain(someone.id)
          expect(found[0]!.rank).toBe(1)

          const shown = await runCli(
            ["contacts", "get", String(someone.id), "--include", "lead,activities", "--json"],
            env
          )
          expect(shown.code, shown.stderr).toBe(0)
          const [detail] = ndjson(shown.stdout)
          expect((detail!.contact as { id: string }).id).toBe(someone.id)
          expect((detail!.lead as { id: string }).id).toBe(someone.leadId)
          expect(Array.isArray(detail!.activities)).toBe(true)
          const text = await runCli(["contacts", "get", String(someone.id)], env)
          expect(text.stdout).toContain(String(someone.id))

          const missing = await runCli(["contacts", "get", crypto.randomUUID()], env)
          expect(missing.code).toBe(1)
          expect(missing.stderr).toContain("no contact with id")
          const bad = await runCli(["contacts", "get", String(someone.id), "--include", "friends"], env)
          expect(bad.code).toBe(2)
        } finally {
          await drop()
        }
      },
      SLOW
    )
  })
}
