import { describe, expect, it, type Vitest } from "@effect/vitest"
import {
  Embedder,
  ingestDocument,
  type KnowledgeRepository,
  type LeadRepository,
  searchKnowledge,
  VectorIndex
} from "@leadforge/domain"
import { Effect } from "effect"
import { fixtureDocs, fixtureQueries, recallAtK } from "./fixtures.js"
import { freshContext } from "./support.js"
import { memoryWorld, pgliteWorld } from "./worlds.js"

/**
 * recall@5 and recall@1 of the hashing embedder on the labelled set in test/fixtures/knowledge (18 documents,
 * 21 queries; a random ranking would score recall@5 ≈ 5/18 = 0.28). Measured on 2026-11-23: vector recall@5 1.00
 * and recall@1 0.83 through both the exact memory index and pgvector HNSW; hybrid recall@5 1.00, recall@1 0.98
 * (memory full text) and 0.88–0.93 over runs (Postgres ts_rank; chunk ids are random UUIDs and break rank ties). recall@5 is nearly saturated on a set this small, so it is
 * asserted at 0.95 (one missed query fails it) and recall@1, the discriminating figure, a few points under what
 * was measured: a regression in chunking, the embedder, an index or the fusion fails, noise does not.
 */
const VECTOR_RECALL_AT_5 = 0.95
const HYBRID_RECALL_AT_5 = 0.95
const VECTOR_RECALL_AT_1 = 0.75
const HYBRID_RECALL_AT_1 = 0.8

type Ports = KnowledgeRepository | VectorIndex | Embedder | LeadRepository

const retrievalSuite = (name: string) => (it: Vitest.MethodsNonLive<Ports>) => {
  it.effect(`recall@5 of vector and hybrid search on the labelled set (${name})`, () =>
    Effect.gen(function* () {
      const ctx = freshContext()
      const slugOf = new Map<string, string>()
      for (const doc of fixtureDocs()) {
        const { document } = yield* ingestDocument(ctx, doc)
        slugOf.set(document.id, doc.slug)
      }
      const index = yield* VectorIndex
      const embedder = yield* Embedder
      const vector: Array<{ expected: ReadonlyArray<string>; ranked: ReadonlyArray<string> }> = []
      const hybrid: Array<{ expected: ReadonlyArray<string>; ranked: ReadonlyArray<string> }> = []
      for (const q of fixtureQueries()) {
        const [v] = yield* embedder.embed([q.query])
        const hits = yield* index.search(v!, 20, { organizationId: ctx.organizationId, kind: "chunk" })
        vector.push({ expected: q.expected, ranked: hits.map((h) => slugOf.get(h.payload.documentId!)!) })
        const fused = yield* searchKnowledge(ctx, { query: q.query, k: 20 })
        hybrid.push({ expected: q.expected, ranked: fused.map((h) => slugOf.get(h.document.id)!) })
      }
      const figures = {
        vectorRecallAt5: recallAtK(vector, 5),
        vectorRecallAt1: recallAtK(vector, 1),
        hybridRecallAt5: recallAtK(hybrid, 5),
        hybridRecallAt1: recallAtK(hybrid, 1)
      }
      console.log(`retrieval (${name}): ${JSON.stringify(figures)}`)
      const misses = vector.filter((r) => !r.expected.some((e) => r.ranked.slice(0, 5).includes(e)))
      if (misses.length > 0) console.log(`vector misses (${name}): ${JSON.stringify(misses.map((m) => m.expected))}`)
      expect(figures.vectorRecallAt5).toBeGreaterThanOrEqual(VECTOR_RECALL_AT_5)
      expect(figures.hybridRecallAt5).toBeGreaterThanOrEqual(HYBRID_RECALL_AT_5)
      expect(figures.vectorRecallAt1).toBeGreaterThanOrEqual(VECTOR_RECALL_AT_1)
      expect(figures.hybridRecallAt1).toBeGreaterThanOrEqual(HYBRID_RECALL_AT_1)
    })
  )
}

describe("retrieval quality", () => {
  it.layer(memoryWorld())("memory (exact)", retrievalSuite("memory"))
  it.layer(pgliteWorld(), { timeout: 120_000 })("pgvector on PGlite (HNSW)", retrievalSuite("pgvector-on-PGlite"))
})
