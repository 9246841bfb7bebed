import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { manyLeadsCsv } from "./fixtures.js"
import { bin, buildCli, freshPostgres, ndjson, runCli, tempDir } from "./support.js"

const SLOW = 300_000

beforeAll(buildCli, 600_000)

const work = tempDir("leadforge-cli-operations-")
afterAll(() => fs.rmSync(work, { recursive: true, force: true }))

describe("leadforge CLI: .env in the working directory", () => {
  it(
    "is read at start, and a variable of the real environment wins over it, even when empty",
    async () => {
      const cwd = path.join(work, "dotenv")
      fs.mkdirSync(cwd)
      fs.writeFileSync(
        path.join(cwd, ".env"),
        '# a comment\nLEADFORGE_DATA_DIR=./from-dotenv\nENVIRONMENT="from the file"\nLEADFORGE_PGLITE_SHARED_BUFFERS=lots\n'
      )
      // the file's malformed value is read (and named) unless the environment sets the variable
      const malformed = await runCli(["migrate"], {}, { cwd })
      expect(malformed.code).toBe(2)
      expect(malformed.stderr).toMatch(/LEADFORGE_PGLITE_SHARED_BUFFERS/)

      const migrated = await runCli(["migrate"], { LEADFORGE_PGLITE_SHARED_BUFFERS: "" }, { cwd })
      expect(migrated.code, migrated.stderr).toBe(0)
      expect(fs.existsSync(path.join(cwd, "from-dotenv"))).toBe(true)

      const elsewhere = path.join(work, "dotenv-overridden")
      const overridden = await runCli(
        ["migrate"],
        { LEADFORGE_DATA_DIR: elsewhere, LEADFORGE_PGLITE_SHARED_BUFFERS: "" },
        { cwd }
      )
      expect(overridden.code, overridden.stderr).toBe(0)
      expect(fs.existsSync(elsewhere)).toBe(true)
      expect(overridden.stdout).toContain("applied 0005_foreign_keys: no orphaned rows")
    },
    SLOW
  )
})

describe("leadforge CLI: migrate --status", () => {
  it(
    "changes nothing: an embedded database that does not exist stays absent, every migration pending",
    async () => {
      const dataDir = path.join(work, "status-only")
      const status = await runCli(["migrate", "--status", "--json"], { LEADFORGE_DATA_DIR: dataDir })
      expect(status.code, status.stderr).toBe(0)
      const rows = ndjson(status.stdout)
      expect(rows.map((r) => [r.id, r.name, r.applied])).toEqual([
        [1, "core", false],
        [2, "vectors", false],
        [3, "knowledge_search", false],
        [4, "vector_indexes", false],
        [5, "foreign_keys", false],
        [6, "people", false],
        [7, "contact_search", false],
        [9, "knowledge_docs_without_tsvector", false]
      ])
      expect(fs.existsSync(dataDir)).toBe(false)
      // once migrated, it reads the real state
      expect((await runCli(["migrate"], { LEADFORGE_DATA_DIR: dataDir })).code).toBe(0)
      const after = ndjson((await runCli(["migrate", "--status", "--json"], { LEADFORGE_DATA_DIR: dataDir })).stdout)
      expect(after.every((r) => r.applied === true)).toBe(true)
    },
    SLOW
  )

  const postgres = process.env.DATABASE_URL
  it.skipIf(postgres === undefined || postgres === "")(
    "on PostgreSQL lists pending migrations of an empty database without applying them",
    async () => {
      const database = await freshPostgres(postgres!)
      try {
        const env = { DATABASE_URL: database.url }
        const status = ndjson((await runCli(["migrate", "--status", "--json"], env)).stdout)
        expect(status.every((r) => r.applied === false)).toBe(true)
        const again = ndjson((await runCli(["migrate", "--status", "--json"], env)).stdout)
        expect(again.every((r) => r.applied === false)).toBe(true)
        const migrated = await runCli(["migrate"], env)
        expect(migrated.stdout).toContain("applied 0005_foreign_keys: no orphaned rows")
      } finally {
        await database.drop()
      }
    },
    SLOW
  )
})

describe("leadforge CLI: output piped into head", () => {
  it(
    "ends quietly with exit 0 when the reader stops reading (EPIPE)",
    async () => {
      const dataDir = path.join(work, "epipe")
      const csv = path.join(work, "epipe-leads.csv")
      fs.writeFileSync(csv, manyLeadsCsv(3_000))
      const imported = await runCli(["import", csv, "--type", "leads"], { LEADFORGE_DATA_DIR: dataDir })
      expect(imported.code, imported.stderr).toBe(0)
      // the shell's own pipe into head, as an operator would type it; PIPESTATUS[0] is leadforge's exit code
      const piped = spawnSync(
        "bash",
        [
          "-c",
          `"${process.execPath}" "${bin}" export --type leads --format ndjson | head -n 2; echo "leadforge exit \${PIPESTATUS[0]}" >&2`
        ],
        { env: { ...process.env, LEADFORGE_DATA_DIR: dataDir, DATABASE_URL: "", NO_COLOR: "1" }, encoding: "utf8" }
      )
      expect(piped.stdout.trim().split("\n")).toHaveLength(2)
      expect(piped.stderr).toContain("leadforge exit 0")
      expect(piped.stderr).not.toMatch(/EPIPE|Error|unexpected/)
      // the embedded database was closed properly: the next command opens it at once
      const after = await runCli(["leads", "list", "--json", "--limit", "1"], { LEADFORGE_DATA_DIR: dataDir })
      expect(after.code, after.stderr).toBe(0)
    },
    SLOW
  )
})
