/**
 * Knowledge search at scale: ingest throughput (chunks/s), search latency p50/p99 and recall@10 of the approximate
 * (HNSW) index against exact search, for pgvector on PGlite and the in-memory exact index, on synthetic chunks
 * embedded by the hashing embedder (384 dimensions). Baselines in the same run: ingest into a bare JS array, and
 * exact search (memory, and pgvector with the index scan disabled) for the approximate one.
 *
 * Sizes: KNOWLEDGE_BENCH_SIZES for pgvector on PGlite and memory (default "2000"), KNOWLEDGE_BENCH_MEMORY_SIZES for
 * the in-memory index alone (default "10000"). PGlite takes 384-dimension vectors at only about 80–300 rows/s on
 * this machine (the 3 KB of text per row through the WASM protocol dominates; HNSW maintenance divides it by about
 * four), so 10k chunks there is a two-minute run and 100k half an hour: pass them explicitly when you have the time.
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Effect, Layer } from "effect"
import { makeEmbedderHashing } from "../packages/adapters/dist/embeddings/index.js"
import { MemoryStoreLive, makeVectorIndexMemory } from "../packages/adapters/dist/memory/index.js"
import { Persistence as PglitePersistence } from "../packages/adapters/dist/pglite/index.js"
import { VectorIndexPgvector } from "../packages/adapters/dist/vector/index.js"
import {
  newId,
  type OrganizationId,
  VectorIndex,
  VectorIndexSpec,
  type VectorPoint
} from "../packages/domain/dist/index.js"

const QUERIES = 200
const K = 10

/** mulberry32 */
const rng = (seed: number) => {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Chunks of 30–80 words drawn from a Zipf-distributed vocabulary of 4,000 made-up words. */
const corpus = (count: number, seed: number): Array<string> => {
  const random = rng(seed)
  const syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "te", "vi", "do", "pa", "qu", "zo", "be", "fi", "gu", "ha"]
  const vocab = Array.from({ length: 4_000 }, (_, i) => {
    let w = ""
    let n = i + 7
    while (n > 0) {
      w += syllables[n % syllables.length]
      n = Math.floor(n / syllables.length)
    }
    return w
  })
  const cumulative: Array<number> = []
  let total = 0
  for (let i = 0; i < vocab.length; i++) {
    total += 1 / (i + 1)
    cumulative.push(total)
  }
  const word = () => {
    const x = random() * total
    let lo = 0
    let hi = cumulative.length - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (cumulative[mid]! < x) lo = mid + 1
      else hi = mid
    }
    return vocab[lo]!
  }
  return Array.from({ length: count }, () => Array.from({ length: 30 + Math.floor(random() * 50) }, word).join(" "))
}

const percentile = (sorted: ReadonlyArray<number>, p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!

const latencies = async (
  search: (v: ReadonlyArray<number>) => Promise<ReadonlyArray<string>>,
  queries: ReadonlyArray<ReadonlyArray<number>>
) => {
  const times: Array<number> = []
  const results: Array<ReadonlyArray<string>> = []
  for (const q of queries.slice(0, 5)) await search(q)
  for (const q of queries) {
    const start = performance.now()
    results.push(await search(q))
    times.push(performance.now() - start)
  }
  times.sort((a, b) => a - b)
  return { p50: percentile(times, 50), p99: percentile(times, 99), results }
}

const recall = (approx: ReadonlyArray<ReadonlyArray<string>>, exact: ReadonlyArray<ReadonlyArray<string>>) =>
  approx.reduce((sum, ids, i) => sum + ids.filter((id) => exact[i]!.includes(id)).length / exact[i]!.length, 0) /
  approx.length

const line = (name: string, value: string) => console.log(`${name.padEnd(58)} ${value.padStart(14)}`)
const ms = (x: number) => `${x.toFixed(2)} ms`

const spec = new VectorIndexSpec({ name: "bench", dimension: 384, embedderId: "hashing-384", distance: "cosine" })

const runSize = async (size: number, withPglite: boolean) => {
  console.log(`\n-- ${size.toLocaleString("en")} chunks --`)
  const embedder = makeEmbedderHashing()
  const texts = corpus(size, 42)
  let start = performance.now()
  const vectors = await Effect.runPromise(embedder.embed(texts))
  line("hashing embedder", `${Math.round(size / ((performance.now() - start) / 1000)).toLocaleString("en")} chunks/s`)
  const org = newId<OrganizationId>()
  const points: Array<VectorPoint> = vectors.map((vector) => ({
    id: newId(),
    organizationId: org,
    vector,
    payload: { kind: "chunk" }
  }))
  // queries: other texts from the same distribution
  const queries = await Effect.runPromise(embedder.embed(corpus(QUERIES, 7)))

  const bare: Array<VectorPoint> = []
  start = performance.now()
  for (const p of points) bare.push({ ...p })
  const bareRate = size / ((performance.now() - start) / 1000)
  line("baseline: push into a JS array", `${Math.round(bareRate).toLocaleString("en")} chunks/s`)

  const memory = await Effect.runPromise(
    Effect.provide(VectorIndex, makeVectorIndexMemory(spec).pipe(Layer.provide(MemoryStoreLive)))
  )
  start = performance.now()
  for (let i = 0; i < points.length; i += 500) await Effect.runPromise(memory.upsert(points.slice(i, i + 500)))
  const memoryRate = size / ((performance.now() - start) / 1000)
  line("memory index: ingest", `${Math.round(memoryRate).toLocaleString("en")} chunks/s`)
  const exact = await latencies(
    (v) => Effect.runPromise(memory.search(v, K, { organizationId: org })).then((hits) => hits.map((h) => h.id)),
    queries
  )
  line("memory index (exact): search p50 / p99", `${ms(exact.p50)} / ${ms(exact.p99)}`)
  if (!withPglite) return

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "leadforge-bench-knowledge-"))
  try {
    await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const context = yield* Layer.build(PglitePersistence.pglite({ dataDir }))
          const hnsw = yield* Effect.provide(VectorIndexPgvector.make(spec, { efSearch: 100 }), context)
          const scan = yield* Effect.provide(VectorIndexPgvector.make(spec, { exact: true }), context)
          let t = performance.now()
          for (let i = 0; i < points.length; i += 500) yield* hnsw.upsert(points.slice(i, i + 500))
          const pgRate = size / ((performance.now() - t) / 1000)
          line("pgvector on PGlite: ingest (HNSW maintained)", `${Math.round(pgRate).toLocaleString("en")} chunks/s`)
          line("  ratio to the bare array", `${(pgRate / bareRate).toExponential(2)}×`)
          const run = (index: VectorIndex.Service) =>
            Effect.promise(() =>
              latencies(
                (v) =>
                  Effect.runPromise(index.search(v, K, { organizationId: org })).then((hits) => hits.map((h) => h.id)),
                queries
              )
            )
          t = performance.now()
          const approx = yield* run(hnsw)
          const scanned = yield* run(scan)
          line("pgvector HNSW (ef_search 100): search p50 / p99", `${ms(approx.p50)} / ${ms(approx.p99)}`)
          line("pgvector exact scan: search p50 / p99", `${ms(scanned.p50)} / ${ms(scanned.p99)}`)
          line("  HNSW p50 as a ratio of exact scan p50", `${(approx.p50 / scanned.p50).toFixed(2)}×`)
          line("  HNSW p50 as a ratio of memory exact p50", `${(approx.p50 / exact.p50).toFixed(2)}×`)
          line("recall@10 HNSW vs exact (memory)", recall(approx.results, exact.results).toFixed(3))
          line(
            "recall@10 pgvector exact scan vs memory exact (sanity)",
            recall(scanned.results, exact.results).toFixed(3)
          )
        })
      )
    )
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

export const run = async () => {
  const sizes = (process.env.KNOWLEDGE_BENCH_SIZES ?? "2000").split(",").filter(Boolean).map(Number)
  const memoryOnly = (process.env.KNOWLEDGE_BENCH_MEMORY_SIZES ?? "10000").split(",").filter(Boolean).map(Number)
  for (const size of sizes) await runSize(size, true)
  for (const size of memoryOnly) await runSize(size, false)
}
