/**
 * Research-task throughput through the durable queue, with the scripted model (no network), on PGlite (a
 * temporary directory) and PostgreSQL (DATABASE_URL, a fresh database). Every task is a `query`: one in-process
 * scripted model call and no other writes, so what is measured is the queue itself — tasks are enqueued beforehand;
 * the timed part is claim with a lease (FOR UPDATE SKIP LOCKED), the handler, and complete. The baseline, measured
 * in the same run on the same number of tasks, calls the handler (runResearchTask) directly, 1 or 4 at a time;
 * the queue runs them with 1 or 4 workers. The difference per task is the queue's overhead. Rounds alternate
 * which side goes first, the median is reported, and each database gets a time budget so the whole run stays
 * under a minute on a loaded machine.
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Effect, Layer, Redacted } from "effect"
import { LanguageModelScripted } from "../packages/adapters/dist/llm/index.js"
import { Persistence as PglitePersistence } from "../packages/adapters/dist/pglite/index.js"
import { Postgres } from "../packages/adapters/dist/postgres/index.js"
import { Persistence } from "../packages/adapters/dist/sql/index.js"
import { drain } from "../packages/adapters/dist/worker/index.js"
import {
  Actor,
  newId,
  type OrganizationId,
  ResearchTask,
  type ResearchTaskId,
  runResearchTask,
  TaskQueue
} from "../packages/domain/dist/index.js"

const TASKS = 30
const ROUNDS = 3
/** Rounds stop early (after the first) once a database has used this much time. */
const BUDGET_MS = 14_000

const ctx = { organizationId: newId<OrganizationId>(), actor: new Actor({ type: "user", id: "bench" }) }
const input = { kind: "query", query: "Who are Acme's competitors?", requestedBy: { type: "user", id: "bench" } }

/** Tasks as a worker would see them after a claim, without going through the queue. */
const detachedTasks = (count: number) => {
  const now = new Date()
  return Array.from(
    { length: count },
    () =>
      new ResearchTask({
        id: newId<ResearchTaskId>(),
        organizationId: ctx.organizationId,
        kind: "query",
        leadId: null,
        status: "running",
        input,
        result: null,
        error: null,
        attempts: 1,
        maxAttempts: 3,
        runAfter: now,
        leaseOwner: "direct",
        leaseExpiresAt: now,
        createdAt: now,
        updatedAt: now
      })
  )
}

const rate = (count: number, ms: number) => (count / ms) * 1_000
const median = (values: ReadonlyArray<number>) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

const direct = (count: number, concurrency: number) =>
  Effect.gen(function* () {
    const tasks = detachedTasks(count)
    const start = performance.now()
    yield* Effect.forEach(tasks, runResearchTask, { concurrency, discard: true })
    return rate(tasks.length, performance.now() - start)
  })

const queued = (count: number, workers: number) =>
  Effect.gen(function* () {
    // setup, not timed: plain enqueues (submitResearch would add a transaction and an audit row per task)
    const queue = yield* TaskQueue
    for (const task of detachedTasks(count)) {
      yield* queue.enqueue(
        new ResearchTask({ ...task, status: "queued", attempts: 0, leaseOwner: null, leaseExpiresAt: null })
      )
    }
    const start = performance.now()
    const outcomes = yield* Effect.all(
      Array.from({ length: workers }, (_, w) =>
        drain(runResearchTask, { workerId: `bench-${w}`, lease: "30 seconds" })
      ),
      { concurrency: "unbounded" }
    )
    const ms = performance.now() - start
    const done = outcomes.flat()
    const ok = done.filter((o) => o._tag === "succeeded").length
    if (ok !== count) throw new Error(`expected ${count} tasks to succeed, ${ok} did`)
    return rate(done.length, ms)
  })

const measureAt = (label: string, concurrency: number, deadline: number) =>
  Effect.gen(function* () {
    const directRates: Array<number> = []
    const queueRates: Array<number> = []
    for (let round = 0; round < ROUNDS && (round === 0 || performance.now() < deadline); round++) {
      if (round % 2 === 0) {
        directRates.push(yield* direct(TASKS, concurrency))
        queueRates.push(yield* queued(TASKS, concurrency))
      } else {
        queueRates.push(yield* queued(TASKS, concurrency))
        directRates.push(yield* direct(TASKS, concurrency))
      }
    }
    const base = median(directRates)
    const through = median(queueRates)
    const overheadMs = 1_000 / through - 1_000 / base
    const n = concurrency === 1 ? "1 worker" : `${concurrency} workers`
    const pad = (s: string) => s.padEnd(56)
    console.log(
      `${pad(`${label} baseline: handler called directly, ${concurrency} at a time`)} ${base.toFixed(1)} tasks/s`
    )
    console.log(`${pad(`${label} through the queue, ${n}`)} ${through.toFixed(1)} tasks/s`)
    console.log(
      `${pad(`${label} ratio (queue / direct)`)} ${(through / base).toFixed(3)}×   overhead ${overheadMs.toFixed(2)} ms/task` +
        `   (${directRates.length} rounds)`
    )
  })

const suite = (label: string) =>
  Effect.gen(function* () {
    // warm-up: compile the paths once
    yield* direct(5, 1)
    yield* queued(5, 1)
    const started = performance.now()
    yield* measureAt(label, 1, started + BUDGET_MS / 2)
    yield* measureAt(label, 4, started + BUDGET_MS)
  }).pipe(Effect.provide(LanguageModelScripted(() => "Example Corp and Sample Inc.")))

const pglite = Effect.gen(function* () {
  const dataDir = yield* Effect.acquireRelease(
    Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), "leadforge-bench-"))),
    (dir) => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))
  )
  const opened = performance.now()
  const context = yield* Layer.build(PglitePersistence.pglite({ dataDir }))
  console.log(`PGlite opened and migrated in ${((performance.now() - opened) / 1_000).toFixed(1)} s`)
  yield* suite("PGlite").pipe(Effect.provide(context))
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
    const client = Postgres.layer({ url: Redacted.make(target.toString()), poolSize: 6 })
    const context = yield* Layer.build(Persistence.layer.pipe(Layer.provideMerge(client)))
    yield* suite("PostgreSQL").pipe(Effect.provide(context))
  }).pipe(Effect.scoped)

export const run = async () => {
  console.log(`query tasks with the scripted model; ${TASKS} tasks per run, median of up to ${ROUNDS} runs`)
  await Effect.runPromise(pglite)
  const url = process.env.DATABASE_URL
  if (url === undefined || url === "") {
    console.log("PostgreSQL: skipped (set DATABASE_URL=postgres://… to measure it)")
    return
  }
  await Effect.runPromise(postgres(url))
}
