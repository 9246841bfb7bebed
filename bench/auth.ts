/**
 * People's authentication: sign-in throughput and latency at the password hashing cost (argon2id, OWASP
 * parameters), and what a session cookie or an access token costs over an API key on GET /api/v1/leads/:id, as
 * ratios in the same run (target: each at least 0.95× the API key's requests/s).
 *
 * Needs DATABASE_URL (a server where it may create and drop a database). Run: `pnpm bench auth`.
 */
import autocannon from "autocannon"
import { Effect, Exit, Scope } from "effect"
import { start } from "../packages/cli/dist/index.js"
import { pgPool } from "./pg.js"

const DURATION_S = Number(process.env.BENCH_HTTP_SECONDS ?? 6)
const CONNECTIONS = 16
const SIGN_INS = 40
const PASSWORD = "a long and unlisted pass phrase"

interface Result {
  readonly rps: number
  readonly p50: number
  readonly p99: number
}

const load = (url: string, headers: Record<string, string>): Promise<Result> =>
  new Promise((resolve, reject) => {
    autocannon({ url, connections: CONNECTIONS, duration: DURATION_S, headers }, (error, result) => {
      if (error) return reject(error)
      if (result.non2xx > 0) return reject(new Error(`${result.non2xx} non-2xx responses from ${url}`))
      resolve({ rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 })
    })
  })

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies of the server's own answers
type Json = any

const json = async (response: Response): Promise<Json> => response.json()

const post = async (url: string, body: unknown, headers: Record<string, string> = {}) => {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body)
  })
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`)
  return response
}

const percentile = (sorted: ReadonlyArray<number>, p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!

export const run = async () => {
  const admin = process.env.DATABASE_URL
  if (admin === undefined || admin === "") {
    console.log("auth: SKIPPED (set DATABASE_URL to a Postgres server to run the authentication benchmark)")
    return
  }
  const name = `lf_bench_${Math.random().toString(36).slice(2, 10)}`
  const url = new URL(admin)
  url.pathname = `/${name}`
  const scope = Effect.runSync(Scope.make())
  const runIn = <A, E>(effect: Effect.Effect<A, E, Scope.Scope>) => Effect.runPromise(Scope.extend(effect, scope))
  const adminPool = await runIn(pgPool(admin, 1))
  await adminPool.query(`CREATE DATABASE ${name}`)
  try {
    let key = ""
    const { port } = await runIn(
      start({
        port: 0,
        host: "127.0.0.1",
        env: {
          DATABASE_URL: url.toString(),
          LOG_LEVEL: "warn",
          RATE_LIMIT_BURST: "1000000000",
          RATE_LIMIT_PER_SECOND: "1000000000",
          SIGN_IN_ACCOUNT_BURST: "1000000",
          SIGN_IN_ADDRESS_BURST: "1000000"
        },
        onBootstrapKey: (k) =>
          Effect.sync(() => {
            key = k
          }),
        onBootstrapInvitation: () => Effect.void
      })
    )
    const base = `http://127.0.0.1:${port}`
    const bearer = { authorization: `Bearer ${key}` }
    const email = "bench@example.com"
    const invitation = await json(await post(`${base}/api/v1/members/invitations`, { email, role: "member" }, bearer))
    await post(`${base}/api/v1/invitations/accept`, { token: invitation.token, name: "Bench", password: PASSWORD })
    const lead = await json(
      await post(`${base}/api/v1/leads`, { companyName: "Bench Co", domain: "bench.example" }, bearer)
    )

    // sign-in: one at a time for latency, then 4 at once for throughput (2 cores: the hash runs on libuv's pool)
    const latencies: Array<number> = []
    for (let i = 0; i < SIGN_INS; i++) {
      const t0 = performance.now()
      await post(`${base}/api/v1/auth/session`, { email, password: PASSWORD })
      latencies.push(performance.now() - t0)
    }
    latencies.sort((a, b) => a - b)
    const t0 = performance.now()
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let i = 0; i < SIGN_INS / 4; i++) await post(`${base}/api/v1/auth/session`, { email, password: PASSWORD })
      })
    )
    const perSecond = SIGN_INS / ((performance.now() - t0) / 1000)
    console.log(`sign-in (argon2id m=19 MiB t=2 p=1, POST /api/v1/auth/session), ${SIGN_INS} each`)
    console.log(
      `  sequential p50 ${percentile(latencies, 0.5).toFixed(1)} ms  p99 ${percentile(latencies, 0.99).toFixed(1)} ms;` +
        `  4 at once ${perSecond.toFixed(1)} sign-ins/s`
    )

    const session = await post(`${base}/api/v1/auth/session`, { email, password: PASSWORD })
    const cookie = session.headers.getSetCookie()[0]!.split(";")[0]!
    const tokens = await json(await post(`${base}/api/v1/auth/token`, { email, password: PASSWORD }))
    const path = `${base}/api/v1/leads/${lead.id}`
    console.log(`GET /api/v1/leads/:id on Postgres, ${CONNECTIONS} connections, ${DURATION_S} s each (autocannon)`)
    await load(path, bearer) // warm-up
    const byKey = await load(path, bearer)
    const byCookie = await load(path, { cookie })
    const byToken = await load(path, { authorization: `Bearer ${tokens.accessToken}` })
    const fmt = (label: string, r: Result, ratio?: number) =>
      console.log(
        `  ${label.padEnd(22)} ${r.rps.toFixed(0).padStart(7)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms` +
          (ratio === undefined ? "" : `  ${ratio.toFixed(2)}× the API key (target ≥ 0.95×)`)
      )
    fmt("API key", byKey)
    fmt("session cookie", byCookie, byCookie.rps / byKey.rps)
    fmt("access token (JWT)", byToken, byToken.rps / byKey.rps)
  } finally {
    await Effect.runPromise(Scope.close(scope, Exit.void))
    await adminPool.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined)
  }
}
