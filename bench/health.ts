/**
 * /health latency: GET /health one request at a time (as a load balancer or an orchestrator asks it), p50 / p99 /
 * max over HEALTH_BENCH_REQUESTS requests, against the target of 200 ms in every state:
 * - healthy, on the embedded database and on PostgreSQL (next to a bare node:http server answering from the same
 *   `SELECT 1`, measured in the same run, for scale);
 * - a vector store (QDRANT_URL) that accepts connections and never answers;
 * - the PostgreSQL database taken away (`ALLOW_CONNECTIONS false` and its sessions ended);
 * - on the embedded database while 1 MB documents are ingested one after another through the API (PGlite runs in
 *   the server's thread: the figure is /health's p99, target under 200 ms).
 *
 * PostgreSQL cases need DATABASE_URL (a server where it may create and drop a database). Run: `pnpm bench health`.
 */

import { mkdtempSync, rmSync } from "node:fs"
import * as http from "node:http"
import * as net from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Exit, Scope } from "effect"
import { start } from "../packages/cli/dist/index.js"
import { type PgPoolLike, pgPool } from "./pg.js"

const REQUESTS = Number(process.env.HEALTH_BENCH_REQUESTS ?? 200)
const TARGET_MS = 200

/** About `bytes` of prose: sentences of words drawn (Zipf-like) from a few thousand made-up ones, in paragraphs. */
const largeDocument = (bytes: number, seed0: number) => {
  let seed = seed0
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648
    return seed / 2147483648
  }
  const syllables = "ka lo mi ne ra si tu ve an or el ip ur ba de fo gu hi jo".split(" ")
  const words = Array.from({ length: 6000 }, () =>
    Array.from({ length: 2 + Math.floor(random() * 3) }, () => syllables[Math.floor(random() * 19)]).join("")
  )
  const parts: Array<string> = []
  let length = 0
  while (length < bytes) {
    const sentence = `${Array.from({ length: 8 + Math.floor(random() * 14) }, () => words[Math.floor(6000 * random() ** 2.5)]).join(" ")}.${random() < 0.12 ? "\n\n" : " "}`
    parts.push(sentence)
    length += sentence.length
  }
  return parts.join("").slice(0, bytes)
}

/** Ingests 1 MB documents (each a different text) one after another until `stop` is set; how many and how long. */
const ingestLoop = (base: string, key: string, stop: { done: boolean }) =>
  (async () => {
    const times: Array<number> = []
    for (let i = 0; !stop.done; i++) {
      const started = performance.now()
      const response = await fetch(`${base}/api/v1/knowledge`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ title: `Handbook ${i}`, text: largeDocument(1_000_000, 7 + i) })
      })
      const body = await response.text()
      if (response.status !== 201) throw new Error(`ingest answered ${response.status}: ${body.slice(0, 300)}`)
      times.push(performance.now() - started)
    }
    return times
  })()

const percentile = (sorted: ReadonlyArray<number>, p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!

/** Sequential GET /health; every answer must be one of the statuses the contract allows. */
const measure = async (base: string, expected: ReadonlyArray<number>) => {
  const times: Array<number> = []
  let last = ""
  for (let i = 0; i < REQUESTS + 10; i++) {
    const started = performance.now()
    const response = await fetch(`${base}/health`)
    last = await response.text()
    const elapsed = performance.now() - started
    if (!expected.includes(response.status)) throw new Error(`/health answered ${response.status}: ${last}`)
    if (i >= 10) times.push(elapsed)
  }
  times.sort((a, b) => a - b)
  const body = JSON.parse(last) as { status: string; services?: Record<string, string> }
  if (body.services === undefined) throw new Error(`/health answered without its services: ${last}`)
  return {
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    max: times[times.length - 1]!,
    state: `${body.status} (database ${body.services.database}, vector_db ${body.services.vector_db})`
  }
}

/** One line per case; the mark checks the case's figure against the target (the maximum, or the p99 under load). */
const report = (label: string, r: Awaited<ReturnType<typeof measure>>, figure: "max" | "p99" = "max") =>
  console.log(
    `  ${label.padEnd(46)} p50 ${r.p50.toFixed(1).padStart(6)} ms  p99 ${r.p99.toFixed(1).padStart(6)} ms  ` +
      `max ${r.max.toFixed(1).padStart(6)} ms  ${r[figure] < TARGET_MS ? "✔" : "✘"}${figure === "p99" ? " (p99)" : ""}  ${r.state}`
  )

const main = async () => {
  const scope = Effect.runSync(Scope.make())
  const run = <A, E>(effect: Effect.Effect<A, E, Scope.Scope>) => Effect.runPromise(Scope.extend(effect, scope))
  // the admin connection outlives the servers, to drop the database after them
  const adminScope = Effect.runSync(Scope.make())
  const runAdmin = <A, E>(effect: Effect.Effect<A, E, Scope.Scope>) =>
    Effect.runPromise(Scope.extend(effect, adminScope))
  let adminKey = ""
  const serve = async (env: Record<string, string>) => {
    const { port } = await run(
      start({
        port: 0,
        host: "127.0.0.1",
        env: { LOG_LEVEL: "error", ...env },
        onBootstrapKey: (key) =>
          Effect.sync(() => {
            adminKey = key
          })
      })
    )
    return `http://127.0.0.1:${port}`
  }
  const dirs: Array<string> = []
  const dataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), "lf-bench-health-"))
    dirs.push(dir)
    return dir
  }
  const hungSockets = new Set<net.Socket>()
  const hung = net.createServer((socket) => void hungSockets.add(socket))
  await new Promise<void>((resolve) => hung.listen(0, "127.0.0.1", resolve))
  const hungPort = (hung.address() as net.AddressInfo).port
  const admin = process.env.DATABASE_URL
  // the embedded cases must not pick the server's database up from the environment
  delete process.env.DATABASE_URL
  const name = `lf_bench_health_${Math.random().toString(36).slice(2, 10)}`
  let adminPool: PgPoolLike | undefined
  console.log(`GET /health, ${REQUESTS} sequential requests per case (target: every answer under ${TARGET_MS} ms)`)
  try {
    report("embedded database (PGlite), healthy", await measure(await serve({ LEADFORGE_DATA_DIR: dataDir() }), [200]))
    {
      const base = await serve({ LEADFORGE_DATA_DIR: dataDir() })
      const stop = { done: false }
      const ingests = ingestLoop(base, adminKey, stop)
      // the first ingest is under way before the first request is timed
      await new Promise((resolve) => setTimeout(resolve, 300))
      const during = await measure(base, [200]).finally(() => {
        stop.done = true
      })
      const times = await ingests
      report(
        "PGlite, while 1 MB documents are ingested",
        {
          ...during,
          state: `${during.state}; ${times.length} documents, ${(times.reduce((a, b) => a + b, 0) / times.length / 1000).toFixed(1)} s each`
        },
        "p99"
      )
    }
    report(
      "PGlite, QDRANT_URL never answers",
      await measure(await serve({ LEADFORGE_DATA_DIR: dataDir(), QDRANT_URL: `http://127.0.0.1:${hungPort}` }), [200])
    )
    if (admin === undefined || admin === "") {
      console.log("  PostgreSQL cases: SKIPPED (set DATABASE_URL to a Postgres server)")
      return
    }
    adminPool = await runAdmin(pgPool(admin, 1))
    await adminPool.query(`CREATE DATABASE ${name}`)
    const url = new URL(admin)
    url.pathname = `/${name}`
    const barePool = await run(pgPool(url.toString(), 10))
    const bare = http.createServer(async (_req, res) => {
      try {
        await barePool.query("SELECT 1")
        res
          .writeHead(200, { "content-type": "application/json" })
          .end('{"status":"healthy","services":{"database":"connected"}}')
      } catch {
        res.writeHead(503).end()
      }
    })
    await new Promise<void>((resolve) => bare.listen(0, "127.0.0.1", resolve))
    const bareResult = await measure(`http://127.0.0.1:${(bare.address() as net.AddressInfo).port}`, [200])
    await new Promise((resolve) => bare.close(resolve))
    const base = await serve({ DATABASE_URL: url.toString() })
    report("bare node:http + pg, SELECT 1 (for scale)", { ...bareResult, state: "" })
    report("PostgreSQL, healthy", await measure(base, [200]))
    await adminPool.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`)
    await adminPool.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}'`)
    report("PostgreSQL, database taken away", await measure(base, [503]))
  } finally {
    await Effect.runPromise(Scope.close(scope, Exit.void))
    for (const socket of hungSockets) socket.destroy()
    await new Promise((resolve) => hung.close(resolve))
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
    if (adminPool !== undefined) {
      await adminPool.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined)
    }
    await Effect.runPromise(Scope.close(adminScope, Exit.void))
  }
}

export const run = main

if (import.meta.url === `file://${process.argv[1]}`) await main()
