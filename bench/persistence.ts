/**
 * Lead repository throughput (insert, point read by id) on PostgreSQL (DATABASE_URL, a fresh database) and on
 * PGlite (a temporary directory), each against a baseline issuing the same SQL through the bare driver — the
 * pg.Pool under the PgClient, or the PGlite instance under our SqlClient — in the same run. Operations are
 * sequential (one in flight), so the figures are per-connection latency turned into ops/s. The ratio asked for
 * is by wall-clock throughput; CPU time per operation (this process only: for PGlite that includes the
 * database, for PostgreSQL it leaves out the server) is printed too, because on a busy machine it is the steadier
 * measure of what the repository adds.
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Effect, Layer, Redacted } from "effect"
import { PgliteDatabase, Persistence as PglitePersistence } from "../packages/adapters/dist/pglite/index.js"
import { PgPool, Postgres } from "../packages/adapters/dist/postgres/index.js"
import { LEAD_COLUMNS, LEAD_SELECT_LIST, leadParams, Persistence } from "../packages/adapters/dist/sql/index.js"
import {
  Lead,
  type LeadId,
  LeadRepository,
  Location,
  newId,
  type OrganizationId
} from "../packages/domain/dist/index.js"

const TARGET = 0.8
const ROUNDS = 3

/** One timed run: wall-clock ops/s, and this process's CPU time per operation (µs). */
interface Sample {
  readonly opsPerSecond: number
  readonly cpuMicros: number
}

const sample = (count: number, wallStart: number, cpuStart: NodeJS.CpuUsage): Sample => {
  const cpu = process.cpuUsage(cpuStart)
  return {
    opsPerSecond: (count / (performance.now() - wallStart)) * 1_000,
    cpuMicros: (cpu.user + cpu.system) / count
  }
}

/** Runs `op` `count` times, one after another, in a plain async loop (the baseline). */
const timeAsync = async (count: number, op: (i: number) => Promise<unknown>): Promise<Sample> => {
  const cpu = process.cpuUsage()
  const start = performance.now()
  for (let i = 0; i < count; i++) await op(i)
  return sample(count, start, cpu)
}

/** Runs `op` `count` times, one after another, in one fiber (how an Effect program calls a repository). */
const timeEffect = (count: number, op: (i: number) => Effect.Effect<unknown, unknown>) =>
  Effect.gen(function* () {
    const cpu = process.cpuUsage()
    const start = performance.now()
    for (let i = 0; i < count; i++) yield* op(i)
    return sample(count, start, cpu)
  })

/** Runs both measurements, the baseline first on even rounds and second on odd ones, so drift hits both. */
const inTurn = <E, R>(round: number, bare: Effect.Effect<Sample, E, R>, repository: Effect.Effect<Sample, E, R>) =>
  round % 2 === 0
    ? Effect.all([bare, repository])
    : Effect.map(Effect.all([repository, bare]), ([r, b]) => [b, r] as const)

const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

const printPair = (label: string, baseline: ReadonlyArray<Sample>, repository: ReadonlyArray<Sample>) => {
  const wall = (xs: ReadonlyArray<Sample>) => median(xs.map((x) => x.opsPerSecond))
  const cpu = (xs: ReadonlyArray<Sample>) => median(xs.map((x) => x.cpuMicros))
  const ratio = wall(repository) / wall(baseline)
  const cpuRatio = cpu(baseline) / cpu(repository)
  const line = (name: string, xs: ReadonlyArray<Sample>) =>
    `${`${label}  ${name}`.padEnd(40)} ${`${Math.round(wall(xs)).toLocaleString("en-US")} ops/s`.padStart(12)}` +
    `   ${`${Math.round(cpu(xs))} µs CPU/op`.padStart(16)}`
  console.log(line("bare driver", baseline))
  console.log(
    `${line("LeadRepositorySql", repository)}   ${ratio.toFixed(2)}× ` +
      `(target ≥ ${TARGET}×: ${ratio >= TARGET ? "meets" : "BELOW"}; by CPU time ${cpuRatio.toFixed(2)}×)`
  )
}

let serial = 0
const makeLead = (organizationId: OrganizationId) => {
  const n = serial++
  const at = new Date(Date.UTC(2026, 0, 1, 0, 0, n % 86_400))
  return new Lead({
    id: newId<LeadId>(),
    organizationId,
    companyName: `Bench Company ${n}`,
    domain: `bench-${n}-${process.pid}.com`,
    website: `https://bench-${n}-${process.pid}.com`,
    industry: "software",
    employeeCount: 10 + (n % 500),
    fundingStage: "seed",
    location: new Location({ city: "Berlin", country: "DE" }),
    aiAdoptionScore: n % 100,
    leadScore: n % 100,
    grade: "C",
    status: "new",
    source: "import",
    tags: ["bench"],
    ownerId: null,
    nextFollowUpAt: null,
    productInterests: ["crm"],
    notes: null,
    confidence: 80,
    provenance: {},
    createdAt: at,
    updatedAt: at,
    version: 1
  })
}

/** The statements LeadRepositorySql issues (see LeadRepositorySql.ts), written out for the bare drivers. */
const INSERT_SQL = `INSERT INTO leads (${LEAD_SELECT_LIST}) VALUES (${LEAD_COLUMNS.map((_, i) => `$${i + 1}`).join(", ")}) ON CONFLICT DO NOTHING RETURNING id`
const FIND_SQL = `SELECT ${LEAD_SELECT_LIST} FROM leads WHERE organization_id = $1 AND id = $2`

interface Bare {
  readonly query: (sql: string, params: Array<unknown>) => Promise<unknown>
}

/** Alternating rounds (bare, repository) of inserts, then of point reads over the inserted rows. */
const compare = (label: string, bare: Bare, sizes: { readonly inserts: number; readonly reads: number }) =>
  Effect.gen(function* () {
    const repo = yield* LeadRepository
    const org = newId<OrganizationId>()
    const insertBare: Array<Sample> = []
    const insertRepo: Array<Sample> = []
    const ids: Array<LeadId> = []
    for (let round = 0; round < ROUNDS + 1; round++) {
      // leads are built before the clock starts: both sides get ready-made Lead values
      const forBare = Array.from({ length: sizes.inserts }, () => makeLead(org))
      const forRepo = Array.from({ length: sizes.inserts }, () => makeLead(org))
      const [b, r] = yield* inTurn(
        round,
        Effect.promise(() => timeAsync(sizes.inserts, (i) => bare.query(INSERT_SQL, leadParams(forBare[i]!)))),
        timeEffect(sizes.inserts, (i) => repo.insert(forRepo[i]!))
      )
      for (const lead of forRepo) ids.push(lead.id)
      // round 0 warms up the JIT, the plans and the caches
      if (round > 0) {
        insertBare.push(b)
        insertRepo.push(r)
      }
    }
    printPair(`${label} insert`, insertBare, insertRepo)

    const readBare: Array<Sample> = []
    const readRepo: Array<Sample> = []
    const pick = (i: number) => ids[(i * 7_919) % ids.length]!
    for (let round = 0; round < ROUNDS + 1; round++) {
      const [b, r] = yield* inTurn(
        round,
        Effect.promise(() => timeAsync(sizes.reads, (i) => bare.query(FIND_SQL, [org, pick(i)]))),
        timeEffect(sizes.reads, (i) => repo.findById(org, pick(i)))
      )
      if (round > 0) {
        readBare.push(b)
        readRepo.push(r)
      }
    }
    printPair(`${label} findById`, readBare, readRepo)
  })

const pglite = Effect.gen(function* () {
  const dataDir = yield* Effect.acquireRelease(
    Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), "leadforge-bench-"))),
    (dir) => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))
  )
  const started = performance.now()
  const context = yield* Layer.build(PglitePersistence.pglite({ dataDir }))
  console.log(`PGlite opened and migrated in ${((performance.now() - started) / 1_000).toFixed(1)} s (${dataDir})`)
  const db = Effect.runSync(Effect.provide(PgliteDatabase, context))
  yield* compare("PGlite", { query: (sql, params) => db.query(sql, params) }, { inserts: 400, reads: 500 }).pipe(
    Effect.provide(context)
  )
}).pipe(Effect.scoped)

const postgres = (url: string) =>
  Effect.gen(function* () {
    const admin = yield* Postgres.makePool({ url: Redacted.make(url), poolSize: 1 })
    const name = `lf_bench_${Math.random().toString(36).slice(2, 10)}`
    yield* Effect.acquireRelease(
      Effect.promise(() => admin.query(`CREATE DATABASE ${name}`)),
      () => Effect.promise(() => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))
    )
    const target = new URL(url)
    target.pathname = `/${name}`
    const client = Postgres.layer({ url: Redacted.make(target.toString()), poolSize: 2 })
    const context = yield* Layer.build(Persistence.layer.pipe(Layer.provideMerge(client)))
    console.log(`PostgreSQL: fresh database ${name}`)
    const pool = Effect.runSync(Effect.provide(PgPool, context))
    yield* compare(
      "PostgreSQL",
      { query: (sql, params) => pool.query(sql, params) },
      { inserts: 200, reads: 1_000 }
    ).pipe(Effect.provide(context))
  }).pipe(Effect.scoped)

export const run = async () => {
  await Effect.runPromise(pglite)
  const url = process.env.DATABASE_URL
  if (url === undefined || url === "") {
    console.log("PostgreSQL: skipped (set DATABASE_URL=postgres://… to measure it)")
    return
  }
  await Effect.runPromise(postgres(url))
}
