/**
 * Knowledge search at scale: ingest throughput (chunks/s), search latency p50/p99 and recall@10 of the approximate
 * (HNSW) index against exact search, for pgvector on PGlite and the in-memory exact index, on synthetic chunks
 * embedded by the hashing embedder (384 dimensions). The exact answers come from the in-memory index; pgvector's
 * own exact scan is measured too, as the baseline the HNSW index has to beat.
 *
 * Two query sets of 100 each: "excerpt" queries are 4–12 consecutive words taken from a random chunk (someone
 * looking for something the knowledge base holds; the share whose source chunk comes back is reported too);
 * "passage" queries are fresh 30–80-word texts from the same vocabulary. Both are hard for HNSW on hashed
 * vectors: a short query sets a few dozen of 384 dimensions and lies far from every chunk, and a passage's ten
 * nearest chunks are barely closer than the rest.
 *
 * Sizes: KNOWLEDGE_BENCH_SIZES (default "10000") runs PGlite and memory; KNOWLEDGE_BENCH_MEMORY_SIZES (default
 * "100000") runs memory alone. PGlite at 100k takes about ten minutes on this machine (most of it building the HNSW
 * graph); run it with KNOWLEDGE_BENCH_SIZES=10000,100000. KNOWLEDGE_BENCH_EF sets the ef_search values
 * measured (default "100,200,400"), KNOWLEDGE_BENCH_HNSW the graph's "m:ef_construction" (default "16:64").
 * KNOWLEDGE_BENCH_CORPUS picks the text: "soup" (the default: every word drawn independently from one Zipf
 * distribution, text with no subjects, the hard case) or "topics" (documents with subjects, see `topical`).
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

const QUERIES = 100
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

const SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "te", "vi", "do", "pa", "qu", "zo", "be", "fi", "gu", "ha"]

/** `size` made-up words, the i-th spelled from i's digits in base 16 syllables. */
const vocabulary = (size: number) =>
  Array.from({ length: size }, (_, i) => {
    let w = ""
    let n = i + 7
    while (n > 0) {
      w += SYLLABLES[n % SYLLABLES.length]
      n = Math.floor(n / SYLLABLES.length)
    }
    return w
  })

/** Draws from `words` with Zipf weights (the i-th word's weight is 1/(i+1)). */
const zipf = (words: ReadonlyArray<string>, random: () => number) => {
  const cumulative: Array<number> = []
  let total = 0
  for (let i = 0; i < words.length; i++) {
    total += 1 / (i + 1)
    cumulative.push(total)
  }
  return () => {
    const x = random() * total
    let lo = 0
    let hi = cumulative.length - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (cumulative[mid]! < x) lo = mid + 1
      else hi = mid
    }
    return words[lo]!
  }
}

const chunkLength = (random: () => number) => 30 + Math.floor(random() * 50)

/** "soup": chunks of 30–80 words drawn independently from one Zipf-distributed vocabulary of 4,000 made-up words. */
const soup = (count: number, seed: number): Array<string> => {
  const random = rng(seed)
  const word = zipf(vocabulary(4_000), random)
  return Array.from({ length: count }, () => Array.from({ length: chunkLength(random) }, word).join(" "))
}

/**
 * "topics": text with subjects, as a knowledge base of documents has. 300 topics, each a Zipf distribution over 200
 * content words (drawn once, with a fixed seed, from a 20,000-word vocabulary past its 100 most common words).
 * A document has a main topic and, one time in three, a second; it runs for 4–16 chunks of 30–80 words, each word
 * from the whole vocabulary's Zipf distribution (40%: the common words every text shares) or from the document's
 * topics (a second topic gives a quarter of those).
 */
const topical = (count: number, seed: number): Array<string> => {
  const model = rng(1_234)
  const words = vocabulary(20_000)
  const background = zipf(words, model)
  const topics = Array.from({ length: 300 }, () =>
    zipf(
      Array.from({ length: 200 }, () => words[100 + Math.floor(model() * (words.length - 100))]!),
      model
    )
  )
  const random = rng(seed)
  const texts: Array<string> = []
  while (texts.length < count) {
    const main = topics[Math.floor(random() * topics.length)]!
    const second = random() < 1 / 3 ? topics[Math.floor(random() * topics.length)]! : undefined
    const word = () => (random() < 0.4 ? background() : second !== undefined && random() < 0.25 ? second() : main())
    const chunks = 4 + Math.floor(random() * 13)
    for (let c = 0; c < chunks && texts.length < count; c++)
      texts.push(Array.from({ length: chunkLength(random) }, word).join(" "))
  }
  return texts
}

/** KNOWLEDGE_BENCH_CORPUS: "soup" (the default, the hard case for HNSW) or "topics". */
const CORPUS = process.env.KNOWLEDGE_BENCH_CORPUS ?? "soup"
if (CORPUS !== "soup" && CORPUS !== "topics")
  throw new Error(`KNOWLEDGE_BENCH_CORPUS: "soup" or "topics", not ${CORPUS}`)
const corpus = CORPUS === "topics" ? topical : soup

/** 4–12 consecutive words from random chunks, with the chunk each came from. */
const excerpts = (texts: ReadonlyArray<string>, count: number, seed: number) => {
  const random = rng(seed)
  return Array.from({ length: count }, () => {
    const source = Math.floor(random() * texts.length)
    const words = texts[source]!.split(" ")
    const length = 4 + Math.floor(random() * 9)
    const start = Math.floor(random() * Math.max(1, words.length - length))
    return { text: words.slice(start, start + length).join(" "), source }
  })
}

/** The share of excerpt queries whose source chunk is among the hits. */
const sourceFound = (results: ReadonlyArray<ReadonlyArray<string>>, sources: ReadonlyArray<string>) =>
  results.filter((ids, i) => ids.includes(sources[i]!)).length / results.length

const percentile = (sorted: ReadonlyArray<number>, p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!

type Search = (v: ReadonlyArray<number>) => Promise<ReadonlyArray<string>>

const latencies = async (search: Search, queries: ReadonlyArray<ReadonlyArray<number>>) => {
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

const line = (name: string, value: string) => console.log(`${name.padEnd(62)} ${value.padStart(26)}`)
const ms = (x: number) => `${x.toFixed(2)} ms`
const rate = (count: number, since: number) =>
  `${Math.round(count / ((performance.now() - since) / 1000)).toLocaleString("en")} chunks/s`

const spec = new VectorIndexSpec({ name: "bench", dimension: 384, embedderId: "hashing-384", distance: "cosine" })
const searchOf =
  (index: VectorIndex.Service, org: OrganizationId): Search =>
  (v) =>
    Effect.runPromise(index.search(v, K, { organizationId: org })).then((hits) => hits.map((h) => h.id))

/** KNOWLEDGE_BENCH_HNSW="m:ef_construction" for the graph the bulk load builds (default pgvector's 16:64). */
const [m = 16, efConstruction = 64] = (process.env.KNOWLEDGE_BENCH_HNSW ?? "16:64").split(":").map(Number)
const graph = { m, efConstruction }

const runSize = async (size: number, withPglite: boolean, efs: ReadonlyArray<number>) => {
  console.log(
    `\n-- ${size.toLocaleString("en")} chunks, corpus "${CORPUS}" (load average ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(" ")}) --`
  )
  const embedder = makeEmbedderHashing()
  const texts = corpus(size, 42)
  let start = performance.now()
  const vectors = await Effect.runPromise(embedder.embed(texts))
  line("hashing embedder", rate(size, start))
  const org = newId<OrganizationId>()
  const points: Array<VectorPoint> = vectors.map((vector, i) => ({
    id: newId(),
    organizationId: org,
    vector,
    payload: { kind: "chunk", documentId: `doc-${Math.floor(i / 20)}` }
  }))
  const excerptQueries = excerpts(texts, QUERIES, 7)
  const sources = excerptQueries.map((q) => points[q.source]!.id)
  const querySets = {
    excerpt: await Effect.runPromise(embedder.embed(excerptQueries.map((q) => q.text))),
    // "topics": one chunk in 20 of fresh text, so that the queries span many documents and topics
    passage: await Effect.runPromise(
      embedder.embed(CORPUS === "topics" ? corpus(QUERIES * 20, 7).filter((_, i) => i % 20 === 0) : corpus(QUERIES, 7))
    )
  }

  const memory = await Effect.runPromise(
    Effect.provide(VectorIndex, makeVectorIndexMemory(spec).pipe(Layer.provide(MemoryStoreLive)))
  )
  start = performance.now()
  for (let i = 0; i < points.length; i += 1_000) await Effect.runPromise(memory.upsert(points.slice(i, i + 1_000)))
  line("memory (exact): ingest", rate(size, start))
  const exact: Record<string, ReadonlyArray<ReadonlyArray<string>>> = {}
  for (const [name, queries] of Object.entries(querySets)) {
    const m = await latencies(searchOf(memory, org), queries)
    exact[name] = m.results
    line(`memory (exact): search p50 / p99, ${name} queries`, `${ms(m.p50)} / ${ms(m.p99)}`)
    if (name === "excerpt")
      line("  source chunk in the exact top 10, excerpt", sourceFound(m.results, sources).toFixed(3))
  }
  if (!withPglite) return

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "leadforge-bench-knowledge-"))
  try {
    await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          // the product's LEADFORGE_PGLITE_SHARED_BUFFERS, taken here straight from the environment (PGlite: 128MB)
          const sharedBuffers = process.env.LEADFORGE_PGLITE_SHARED_BUFFERS || undefined
          const context = yield* Layer.build(PglitePersistence.pglite({ dataDir, sharedBuffers }))
          line("pgvector on PGlite: shared_buffers", sharedBuffers ?? "128MB (default)")
          const open = (options: VectorIndexPgvector.PgvectorOptions) =>
            Effect.provide(VectorIndexPgvector.make(spec, options), context)
          const loader = yield* open(graph)
          const bulk = points.slice(0, size - 1_000)
          let t = performance.now()
          yield* loader.bulkLoad(
            Effect.forEach(
              Array.from({ length: Math.ceil(bulk.length / 5_000) }, (_, i) => bulk.slice(i * 5_000, (i + 1) * 5_000)),
              (batch) => loader.upsert(batch),
              { discard: true }
            )
          )
          line(`pgvector on PGlite: HNSW graph m ${m}, ef_construction ${efConstruction}`, "")
          line(
            `pgvector on PGlite: bulk load of ${bulk.length.toLocaleString("en")} (COPY, HNSW built once)`,
            rate(bulk.length, t)
          )
          t = performance.now()
          const rest = points.slice(size - 1_000)
          for (let i = 0; i < rest.length; i += 20) yield* loader.upsert(rest.slice(i, i + 20))
          line("pgvector on PGlite: 1,000 more, 20 per upsert (HNSW maintained)", rate(rest.length, t))
          const run = (index: VectorIndex.Service, queries: ReadonlyArray<ReadonlyArray<number>>) =>
            Effect.promise(() => latencies(searchOf(index, org), queries))
          const scan = yield* open({ exact: true })
          for (const [name, queries] of Object.entries(querySets)) {
            const scanned = yield* run(scan, queries)
            line(`pgvector exact scan: p50 / p99, ${name}`, `${ms(scanned.p50)} / ${ms(scanned.p99)}`)
            line(
              `  recall@10 of the exact scan vs memory (sanity), ${name}`,
              recall(scanned.results, exact[name]!).toFixed(3)
            )
            for (const ef of efs) {
              const approx = yield* run(yield* open({ efSearch: ef }), queries)
              line(
                `pgvector HNSW ef_search ${ef}: p50 / p99 / recall@10, ${name}`,
                `${ms(approx.p50)} / ${ms(approx.p99)} / ${recall(approx.results, exact[name]!).toFixed(3)}`
              )
              if (name === "excerpt")
                line("  source chunk in the top 10", sourceFound(approx.results, sources).toFixed(3))
            }
          }
        })
      )
    )
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

export const run = async () => {
  const sizes = (process.env.KNOWLEDGE_BENCH_SIZES ?? "10000").split(",").filter(Boolean).map(Number)
  const memoryOnly = (process.env.KNOWLEDGE_BENCH_MEMORY_SIZES ?? "100000").split(",").filter(Boolean).map(Number)
  const efs = (process.env.KNOWLEDGE_BENCH_EF ?? "100,200,400").split(",").filter(Boolean).map(Number)
  for (const size of sizes) await runSize(size, true, efs)
  for (const size of memoryOnly) await runSize(size, false, efs)
}
