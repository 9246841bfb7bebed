/**
 * HTTP benchmark: GET /api/v1/leads/:id and a list page on Postgres, through the Leadforge server and
 * through a bare node:http + pg server that runs the same SQL (API key lookup by hash, then the lead
 * query) on the same database, in the same run. Prints req/s, p50/p99 latency and the ratio.
 *
 * Needs DATABASE_URL (a server where it may create and drop a database). Run: `tsx bench/http.ts`.
 */
import { createHash } from "node:crypto"
import * as http from "node:http"
import autocannon from "autocannon"
import { Effect, Exit, Scope } from "effect"
import { start } from "../packages/cli/dist/index.js"
import { type PgPoolLike, pgPool } from "./pg.js"

const DURATION_S = Number(process.env.BENCH_HTTP_SECONDS ?? 6)
const CONNECTIONS = 16
const LEADS = 500

interface Result {
  readonly rps: number
  readonly p50: number
  readonly p99: number
}

const load = (url: string, key: string): Promise<Result> =>
  new Promise((resolve, reject) => {
    autocannon(
      { url, connections: CONNECTIONS, duration: DURATION_S, headers: { authorization: `Bearer ${key}` } },
      (error, result) => {
        if (error) return reject(error)
        if (result.non2xx > 0) return reject(new Error(`${result.non2xx} non-2xx responses from ${url}`))
        resolve({ rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 })
      }
    )
  })

const camel = (row: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(row).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v])
  )

/** The columns LeadRepositorySql reads (every column but the generated `country` and `search_tsv`). */
const LEAD_COLUMNS =
  "id, organization_id, identity_key, company_name, domain, website, industry, employee_count, funding_stage, " +
  "location, ai_adoption_score, lead_score, grade, status, source, tags, owner_id, next_follow_up_at, " +
  "product_interests, notes, confidence, provenance, created_at, updated_at, version"

/** The baseline: node:http + pg, same queries as the repositories, no framework. */
const bareServer = (pool: PgPoolLike) =>
  http.createServer(async (req, res) => {
    try {
      const token = (req.headers.authorization ?? "").slice(7)
      const hash = createHash("sha256").update(token).digest("hex")
      const key = await pool.query("SELECT * FROM api_keys WHERE hash = $1 AND revoked_at IS NULL", [hash])
      if (key.rowCount === 0) {
        res.writeHead(401).end()
        return
      }
      const org = key.rows[0]!.organization_id
      const url = new URL(req.url ?? "/", "http://x")
      const match = /^\/api\/v1\/leads\/([0-9a-f-]{36})$/.exec(url.pathname)
      let body: unknown
      if (match !== null) {
        const rows = await pool.query(`SELECT ${LEAD_COLUMNS} FROM leads WHERE organization_id = $1 AND id = $2`, [
          org,
          match[1]
        ])
        if (rows.rowCount === 0) {
          res.writeHead(404).end()
          return
        }
        body = camel(rows.rows[0]!)
      } else {
        const limit = Number(url.searchParams.get("limit") ?? 50)
        const rows = await pool.query(
          `SELECT ${LEAD_COLUMNS} FROM leads WHERE organization_id = $1 ORDER BY created_at DESC, id LIMIT $2`,
          [org, limit + 1]
        )
        body = { items: rows.rows.slice(0, limit).map(camel), nextCursor: rows.rowCount! > limit ? "x" : null }
      }
      const json = JSON.stringify(body)
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(json) }).end(json)
    } catch {
      res.writeHead(500).end()
    }
  })

const main = async () => {
  const admin = process.env.DATABASE_URL
  if (admin === undefined || admin === "") {
    console.log("http: SKIPPED (set DATABASE_URL to a Postgres server to run the HTTP benchmark)")
    return
  }
  const name = `lf_bench_${Math.random().toString(36).slice(2, 10)}`
  const url = new URL(admin)
  url.pathname = `/${name}`
  const scope = Effect.runSync(Scope.make())
  const run = <A, E>(effect: Effect.Effect<A, E, Scope.Scope>) => Effect.runPromise(Scope.extend(effect, scope))
  const adminPool = await run(pgPool(admin, 1))
  await adminPool.query(`CREATE DATABASE ${name}`)
  try {
    let key = ""
    const { port } = await run(
      start({
        port: 0,
        host: "127.0.0.1",
        env: {
          DATABASE_URL: url.toString(),
          LOG_LEVEL: "warn",
          RATE_LIMIT_BURST: "1000000000",
          RATE_LIMIT_PER_SECOND: "1000000000"
        },
        onBootstrapKey: (k) =>
          Effect.sync(() => {
            key = k
          })
      })
    )
    const base = `http://127.0.0.1:${port}`
    const ids: Array<string> = []
    for (let i = 0; i < LEADS; i += 25) {
      const batch = await Promise.all(
        Array.from({ length: 25 }, (_, j) =>
          fetch(`${base}/api/v1/leads`, {
            method: "POST",
            headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
            body: JSON.stringify({ companyName: `Bench ${i + j}`, domain: `bench${i + j}.com`, industry: "Software" })
          }).then((r) => r.json() as Promise<{ id: string }>)
        )
      )
      ids.push(...batch.map((l) => l.id))
    }
    const pool = await run(pgPool(url.toString(), 10))
    const bare = bareServer(pool)
    await new Promise<void>((resolve) => bare.listen(0, "127.0.0.1", resolve))
    const barePort = (bare.address() as { port: number }).port
    const id = ids[Math.floor(ids.length / 2)]!
    const cases = [
      { name: "GET /api/v1/leads/:id", path: `/api/v1/leads/${id}` },
      { name: "GET /api/v1/leads?limit=50", path: "/api/v1/leads?limit=50&sort=created" }
    ]
    console.log(`HTTP on Postgres, ${CONNECTIONS} connections, ${DURATION_S} s each (autocannon)`)
    for (const c of cases) {
      const baseline = await load(`http://127.0.0.1:${barePort}${c.path}`, key)
      const ours = await load(`${base}${c.path}`, key)
      const fmt = (label: string, r: Result) =>
        console.log(`  ${label.padEnd(44)} ${r.rps.toFixed(0).padStart(7)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms`)
      console.log(c.name)
      fmt("bare node:http + pg (same SQL)", baseline)
      fmt("Leadforge HttpApi", ours)
      console.log(`  ${"ratio".padEnd(44)} ${(ours.rps / baseline.rps).toFixed(2)}×  (target ≥ 0.5×)`)
    }
    await new Promise((resolve) => bare.close(resolve))
  } finally {
    await Effect.runPromise(Scope.close(scope, Exit.void))
    await adminPool.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined)
  }
}

export const run = main

if (import.meta.url === `file://${process.argv[1]}`) await main()
