import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as net from "node:net"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { manyLeadsCsv } from "./fixtures.js"
import { bin, buildCli, freshPostgres, ndjson, root, runCli, tempDir } from "./support.js"

const SLOW = 300_000

beforeAll(buildCli, 600_000)

const work = tempDir("leadforge-cli-crash-")
afterAll(() => fs.rmSync(work, { recursive: true, force: true }))

/**
 * A file of many batches: the import pauses after PAUSE_AFTER committed ones (a crash point the import offers for
 * tests) and is killed there, so the kill lands mid-import however fast the machine is. At most the batches
 * already in flight commit after the pause, far fewer than the file holds.
 */
const PAUSE_AFTER = 3
const bigFile = (rows: number) => {
  const file = path.join(work, `leads-${rows}.csv`)
  if (!fs.existsSync(file)) fs.writeFileSync(file, manyLeadsCsv(rows))
  return file
}

const childEnv = (env: Record<string, string>) => {
  const { DATABASE_URL: _url, LEADFORGE_DATA_DIR: _dir, ...base } = process.env
  return { ...base, NO_COLOR: "1", ...env }
}

/** Starts an import and kills it with SIGKILL once it has paused after PAUSE_AFTER committed batches. */
const importKilledMidway = (file: string, env: Record<string, string>) =>
  new Promise<{ readonly signal: NodeJS.Signals | null; readonly stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [bin, "import", file, "--type", "leads", "--batch-size", "500"], {
      cwd: root,
      env: childEnv({ ...env, LEADFORGE_IMPORT_PAUSE_AFTER_BATCHES: String(PAUSE_AFTER) })
    })
    let stderr = ""
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8")
      if (stderr.includes("import paused after")) child.kill("SIGKILL")
    })
    child.on("error", reject)
    child.on("close", (_code, signal) => resolve({ signal, stderr }))
  })

const exportedDomains = async (env: Record<string, string>) =>
  ndjson((await runCli(["export", "--type", "leads", "--format", "ndjson"], env)).stdout).map((r) => String(r.domain))

const backends: ReadonlyArray<{
  readonly name: string
  readonly rows: number
  readonly skip?: string
  readonly env: () => Promise<{ readonly env: Record<string, string>; readonly cleanup: () => Promise<void> }>
}> = [
  {
    name: "PGlite",
    rows: 10_000,
    env: async () => ({ env: { LEADFORGE_DATA_DIR: tempDir("leadforge-crash-pglite-") }, cleanup: async () => {} })
  },
  {
    name: "PostgreSQL",
    rows: 20_000,
    ...(process.env.DATABASE_URL ? {} : { skip: "DATABASE_URL is not set" }),
    env: async () => {
      const db = await freshPostgres(process.env.DATABASE_URL as string)
      return { env: { DATABASE_URL: db.url }, cleanup: db.drop }
    }
  }
]

for (const backend of backends) {
  if (backend.skip !== undefined) console.warn(`SKIPPING the CLI crash test on ${backend.name}: ${backend.skip}`)
  describe.skipIf(backend.skip !== undefined)(`leadforge import killed with SIGKILL on ${backend.name}`, () => {
    let env: Record<string, string> = {}
    let cleanup = async () => {}
    beforeAll(async () => {
      ;({ env, cleanup } = await backend.env())
    }, 120_000)
    afterAll(() => cleanup(), 120_000)

    it(
      "re-running the same import yields exactly one copy of every row",
      async () => {
        const rows = backend.rows
        const file = bigFile(rows)
        const killed = await importKilledMidway(file, env)
        expect(killed.signal, "the import finished before it could be killed: make the file larger").toBe("SIGKILL")
        const partial = await exportedDomains(env)
        expect(partial.length).toBeGreaterThanOrEqual(PAUSE_AFTER * 500)
        expect(partial.length).toBeLessThan(rows)
        // whole batches only: every committed batch holds 500 rows
        expect(partial.length % 500).toBe(0)

        const rerun = await runCli(["import", file, "--type", "leads", "--batch-size", "500", "--json"], env)
        expect(rerun.code, rerun.stderr).toBe(0)
        expect(ndjson(rerun.stdout).at(-1)).toMatchObject({
          rows: rows,
          inserted: rows - partial.length,
          unchanged: partial.length,
          updated: 0,
          rejected: 0
        })
        const all = await exportedDomains(env)
        expect(all).toHaveLength(rows)
        expect(new Set(all).size).toBe(rows)
        expect(new Set(all)).toEqual(new Set(Array.from({ length: rows }, (_, i) => `company-${i}.com`)))
      },
      SLOW
    )
  })
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = net.createServer()
    server.listen(0, "127.0.0.1", () => {
      const address = server.address() as net.AddressInfo
      server.close(() => resolve(address.port))
    })
  })

describe("leadforge serve", () => {
  it(
    "serves the HTTP API, prints the first-run key, and stops on SIGTERM",
    async () => {
      const port = await freePort()
      const child = spawn(process.execPath, [bin, "serve", "--port", String(port), "--host", "127.0.0.1"], {
        cwd: root,
        env: childEnv({ LEADFORGE_DATA_DIR: tempDir("leadforge-serve-") })
      })
      let stdout = ""
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString("utf8")
      })
      const closed = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)))
      let health: Response | undefined
      for (let i = 0; i < 240 && health === undefined; i++) {
        health = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined)
        if (health === undefined) await new Promise((r) => setTimeout(r, 500))
      }
      expect(health?.status).toBe(200)
      const key = /lf_[A-Za-z0-9_-]{32,}/.exec(stdout)?.[0]
      expect(key).toBeDefined()
      const status = await fetch(`http://127.0.0.1:${port}/api/v1/status`, {
        headers: { authorization: `Bearer ${key}` }
      })
      expect(status.status).toBe(200)
      child.kill("SIGTERM")
      expect(await closed).not.toBeNull()
    },
    SLOW
  )
})
