import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as http from "node:http"
import * as net from "node:net"
import { Persistence as PglitePersistence } from "@leadforge/adapters/pglite"
import { PostgresPersistence } from "@leadforge/adapters/postgres"
import { Redacted } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { leadforgeSessions, lockAuditHead } from "../../packages/adapters/test/support/pgSessions.js"
import { postJson, type RunningServer, raw, startServer } from "../http/support.js"
import { bin, buildCli, freshPostgres, root, tempDir } from "./support.js"

/**
 * Issue 23: `leadforge serve` told to stop (SIGTERM) in the middle of a write load finishes or rolls back the writes
 * in flight, closes its kept-alive connections and exits; nothing acknowledged is lost, nothing half-written, and
 * the organization's next write (from another server) is not held up.
 */
const SLOW = 300_000
const LOOPS = 16
const GRACE_SECONDS = 1
/** Generous: the grace, the roll-back of what was still running, and closing the database. */
const EXIT_BOUND_MS = 10_000
/** How much longer than a warm write the next write of the organization may take. */
const NEXT_WRITE_BOUND_MS = 100
const POOL_SIZE = 4

beforeAll(buildCli, 600_000)

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = net.createServer()
    server.listen(0, "127.0.0.1", () => {
      const address = server.address() as net.AddressInfo
      server.close(() => resolve(address.port))
    })
  })

const until = async (what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 60_000) => {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

const median = (values: ReadonlyArray<number>) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0

/** Writes one lead and returns how long the server took to acknowledge it. */
const timedWrite = async (server: RunningServer, key: string, name: string) => {
  const started = performance.now()
  const response = await postJson(server, "/api/v1/leads", key, {
    companyName: name,
    domain: `${name.toLowerCase().replaceAll(" ", "-")}.example`
  })
  const elapsed = performance.now() - started
  expect(response.status, await response.text()).toBe(201)
  return elapsed
}

/** `leadforge serve` in its own process, with its first-run key. */
const serveProcess = async (env: Record<string, string>) => {
  const port = await freePort()
  const { DATABASE_URL: _url, LEADFORGE_DATA_DIR: _dir, ...base } = process.env
  const child = spawn(process.execPath, [bin, "serve", "--port", String(port), "--host", "127.0.0.1"], {
    cwd: root,
    env: {
      ...base,
      NO_COLOR: "1",
      LOG_LEVEL: "info",
      HTTP_SHUTDOWN_GRACE: String(GRACE_SECONDS),
      RATE_LIMIT_BURST: "100000",
      RATE_LIMIT_PER_SECOND: "100000",
      DATABASE_POOL_SIZE: String(POOL_SIZE),
      ...env
    }
  })
  let stdout = ""
  let stderr = ""
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8")
  })
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8")
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal }))
  )
  await until("the server answers /health", async () => {
    const health = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined)
    return health?.status === 200
  })
  const key = /lf_[A-Za-z0-9_-]{32,}/.exec(stdout)?.[0]
  if (key === undefined) throw new Error(`no first-run key in ${stdout}`)
  return { port, key, child, exited, output: () => stdout + stderr }
}

/**
 * LOOPS clients that each write leads one after another on a kept-alive connection until the server goes away;
 * the leads the server acknowledged (201) are collected.
 */
const writeLoops = (port: number, key: string, prefix: string) => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: LOOPS })
  const acknowledged: Array<{ id: string; organizationId: string }> = []
  const post = (name: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const body = JSON.stringify({ companyName: name, domain: `${name.toLowerCase().replaceAll(" ", "-")}.example` })
      const request = http.request({
        agent,
        host: "127.0.0.1",
        port,
        method: "POST",
        path: "/api/v1/leads",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json", "content-length": body.length }
      })
      request.on("response", (response) => {
        let text = ""
        response.on("data", (chunk) => {
          text += chunk
        })
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body: text }))
        response.on("error", reject)
      })
      request.on("error", reject)
      request.end(body)
    })
  const loops = Array.from({ length: LOOPS }, async (_, loop) => {
    for (let i = 0; i < 10_000; i++) {
      const answer = await post(`${prefix} ${loop} ${i}`).catch(() => undefined)
      if (answer === undefined) return
      if (answer.status === 201) acknowledged.push(JSON.parse(answer.body))
      else if (answer.status !== 503) throw new Error(`unexpected ${answer.status}: ${answer.body}`)
    }
  })
  return { acknowledged, done: Promise.all(loops).finally(() => agent.destroy()) }
}

const backends: ReadonlyArray<{
  readonly name: string
  readonly skip?: string
  readonly setup: () => Promise<{
    readonly env: Record<string, string>
    readonly persistence: () => Parameters<typeof startServer>[0]
    readonly cleanup: () => Promise<void>
  }>
}> = [
  {
    name: "PGlite",
    setup: async () => {
      const dataDir = tempDir("leadforge-midload-pglite-")
      return {
        env: { LEADFORGE_DATA_DIR: dataDir },
        persistence: () => PglitePersistence.pglite({ dataDir }),
        cleanup: async () => fs.rmSync(dataDir, { recursive: true, force: true })
      }
    }
  },
  {
    name: "PostgreSQL",
    ...(process.env.DATABASE_URL ? {} : { skip: "DATABASE_URL is not set" }),
    setup: async () => {
      const db = await freshPostgres(process.env.DATABASE_URL as string)
      return {
        env: { DATABASE_URL: db.url },
        persistence: () => PostgresPersistence.layer(Redacted.make(db.url)),
        cleanup: db.drop
      }
    }
  }
]

for (const backend of backends) {
  if (backend.skip !== undefined)
    console.warn(`SKIPPING the mid-load shutdown test on ${backend.name}: ${backend.skip}`)
  describe.skipIf(backend.skip !== undefined)(
    `leadforge serve stopped with SIGTERM mid-load on ${backend.name}`,
    () => {
      let setup: Awaited<ReturnType<(typeof backends)[number]["setup"]>>
      let after: RunningServer | undefined
      beforeAll(async () => {
        setup = await backend.setup()
      }, 120_000)
      afterAll(async () => {
        await after?.close()
        await setup?.cleanup()
      }, 120_000)

      it(
        "finishes or rolls back the writes in flight, exits, and loses or half-writes nothing",
        async () => {
          const server = await serveProcess(setup.env)
          const load = writeLoops(server.port, server.key, `Midload ${backend.name}`)
          await until("the load is flowing", () => load.acknowledged.length >= 20)
          const organizationId = load.acknowledged[0]!.organizationId

          // On PostgreSQL the writes are pinned in flight: the organization's audit-chain row is locked, so every
          // pooled connection waits in a write when the signal comes, and they can only be rolled back.
          let lock: Awaited<ReturnType<typeof lockAuditHead>> | undefined
          const url = setup.env.DATABASE_URL
          if (url !== undefined) {
            lock = await lockAuditHead(url, organizationId)
            await until("every pooled connection waits for the audit-chain lock", async () => {
              const sessions = await leadforgeSessions(url)
              return sessions.filter((session) => session.waitEventType === "Lock").length === POOL_SIZE
            })
          }

          const signalled = Date.now()
          server.child.kill("SIGTERM")
          const exit = await server.exited
          const exitedAfter = Date.now() - signalled
          expect(exit, server.output()).toEqual({ code: 130, signal: null })
          expect(exitedAfter, server.output()).toBeLessThan(EXIT_BOUND_MS)
          await load.done

          if (url !== undefined) {
            await lock?.release()
            expect(await leadforgeSessions(url), "no session of the stopped server is left").toEqual([])
          }

          // another server on the same database: the organization's next write is not held up
          after = await startServer(setup.persistence(), { DATABASE_URL: setup.env.DATABASE_URL ?? "" })
          if (url !== undefined) {
            // PostgreSQL's locks outlive a process that left a transaction open; time the next write against a warm one
            const other = await after.newOrganization()
            const warm: Array<number> = []
            for (let i = 0; i < 6; i++) warm.push(await timedWrite(after, other.key, `Warm ${i}`))
            const baseline = median(warm.slice(-3))
            const elapsed = await timedWrite(after, server.key, "Next")
            expect(
              elapsed - baseline,
              `the next write of the organization took ${Math.round(elapsed)} ms, a warm write ${Math.round(baseline)} ms`
            ).toBeLessThan(NEXT_WRITE_BOUND_MS)
          } else {
            // PGlite's writer lock lives and dies with its process: the reopened directory takes the next write
            await timedWrite(after, server.key, "Next")
          }

          const verified = await (await raw(after, "/api/v1/audit/verify", { key: server.key })).json()
          expect(verified).toMatchObject({ valid: true })
          const leads = new Set<string>()
          for (let cursor: string | undefined, page = 0; page < 1_000; page++) {
            const query = `/api/v1/leads?limit=100${cursor === undefined ? "" : `&cursor=${encodeURIComponent(cursor)}`}`
            const body = await (await raw(after, query, { key: server.key })).json()
            for (const lead of body.items) leads.add(lead.id)
            cursor = body.nextCursor ?? undefined
            if (cursor === undefined) break
          }
          const audited = new Set<string>()
          for (let cursor: string | undefined, page = 0; page < 1_000; page++) {
            const query = `/api/v1/audit?entityType=lead&limit=100${cursor === undefined ? "" : `&cursor=${encodeURIComponent(cursor)}`}`
            const body = await (await raw(after, query, { key: server.key })).json()
            for (const event of body.items) if (event.action === "create") audited.add(event.entityId)
            cursor = body.nextCursor ?? undefined
            if (cursor === undefined) break
          }
          // every lead has its audit event and the other way round: nothing half-written
          expect(leads).toEqual(audited)
          for (const { id } of load.acknowledged) expect(leads.has(id), `acknowledged lead ${id}`).toBe(true)
        },
        SLOW
      )
    }
  )
}
