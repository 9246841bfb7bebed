import { describe, expect, it } from "@effect/vitest"
import { MemoryStoreLive, makeVectorIndexMemory, TransactorMemory } from "@leadforge/adapters/memory"
import { type OrganizationId, Transactor, type VectorFilter, VectorIndex, type VectorPoint } from "@leadforge/domain"
import { Arbitrary, Effect, FastCheck, Layer, Schema } from "effect"
import { spec } from "./support.js"

/**
 * The in-memory index's block scan against a naive exact top-k, at sizes that span several storage blocks (1,024
 * rows each, the first one growing) and dimensions past the scan's eight-columns-at-a-time pass, with sparse and
 * dense queries, filters broad and narrow, replacements, deletes and a rolled-back transaction.
 */

const ORG = "00000000-0000-4000-8000-0000000000aa" as OrganizationId
const DIMENSIONS = [9, 24, 40] as const

const Query = Schema.Struct({
  k: Schema.Int.pipe(Schema.between(0, 40)),
  zeros: Schema.Literal(0, 0.5, 0.9),
  kind: Schema.optional(Schema.Literal("chunk", "lead")),
  documentId: Schema.optional(Schema.Literal("d0", "d1", "d7")),
  leadId: Schema.optional(Schema.Literal("l0", "l3"))
})
const Scenario = Schema.Struct({
  seed: Schema.Int.pipe(Schema.between(0, 1_000_000)),
  dimension: Schema.Literal(...DIMENSIONS),
  rows: Schema.Int.pipe(Schema.between(1, 3_000)),
  zeros: Schema.Literal(0, 0.5, 0.9),
  /** every seventh row repeats the vector of the row seven before it: exact ties, broken by id */
  duplicates: Schema.Boolean,
  replaced: Schema.Int.pipe(Schema.between(0, 1_500)),
  rolledBack: Schema.Boolean,
  deletedDocument: Schema.optional(Schema.Literal("d2", "d3")),
  queries: Schema.Array(Query).pipe(Schema.minItems(1), Schema.maxItems(6))
})
type Scenario = typeof Scenario.Type

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

/** Small integer components (so scores often tie), a share of them zero. */
const vectorOf = (random: () => number, dimension: number, zeros: number) =>
  Array.from({ length: dimension }, () => (random() < zeros ? 0 : Math.floor(random() * 5) - 2))

/** The unit vector in single precision, as the index stores it. */
const stored = (v: ReadonlyArray<number>) => {
  const norm = v.reduce((s, x) => s + x * x, 0)
  const scale = norm === 0 ? 0 : 1 / Math.sqrt(norm)
  return v.map((x) => Math.fround(x * scale))
}
const score = (q: ReadonlyArray<number>, x: ReadonlyArray<number>) => q.reduce((s, qi, i) => s + qi * x[i]!, 0)

const pointOf = (i: number, vector: ReadonlyArray<number>): VectorPoint => ({
  id: `p${String(i).padStart(5, "0")}`,
  organizationId: ORG,
  vector,
  payload: {
    kind: i % 3 === 0 ? "lead" : "chunk",
    documentId: `d${i % 10}`,
    ...(i % 5 === 0 ? {} : { leadId: `l${i % 4}` })
  }
})

const matches = (p: VectorPoint, f: VectorFilter) =>
  (f.kind === undefined || p.payload.kind === f.kind) &&
  (f.documentId === undefined || p.payload.documentId === f.documentId) &&
  (f.leadId === undefined || p.payload.leadId === f.leadId)

const world = (dimension: number) =>
  Layer.merge(makeVectorIndexMemory(spec(`scan_${dimension}`, dimension, `test-${dimension}`)), TransactorMemory).pipe(
    Layer.provide(MemoryStoreLive)
  )

const run = (scenario: Scenario) =>
  Effect.gen(function* () {
    const index = yield* VectorIndex
    const transactor = yield* Transactor
    const random = rng(scenario.seed)
    const { dimension, zeros } = scenario
    const vectors: Array<ReadonlyArray<number>> = []
    for (let i = 0; i < scenario.rows; i++) {
      vectors.push(scenario.duplicates && i % 7 === 0 && i >= 7 ? vectors[i - 7]! : vectorOf(random, dimension, zeros))
    }
    const model = new Map<string, VectorPoint>()
    const points = vectors.map((v, i) => pointOf(i, v))
    for (let i = 0; i < points.length; i += 700) yield* index.upsert(points.slice(i, i + 700))
    for (const p of points) model.set(p.id, p)

    const replacements = Array.from({ length: scenario.replaced }, () =>
      pointOf(Math.floor(random() * scenario.rows), vectorOf(random, dimension, zeros))
    )
    if (scenario.rolledBack) {
      yield* transactor
        .withTransaction(Effect.zipRight(index.upsert(replacements.slice(0, 300)), Effect.fail("rollback")))
        .pipe(Effect.ignore)
    }
    yield* index.upsert(replacements)
    for (const p of replacements) model.set(p.id, p)
    if (scenario.deletedDocument !== undefined) {
      yield* index.delete({ organizationId: ORG, documentId: scenario.deletedDocument })
      for (const [id, p] of model) if (p.payload.documentId === scenario.deletedDocument) model.delete(id)
    }

    for (const spec of scenario.queries) {
      const query = vectorOf(random, dimension, spec.zeros)
      const filter: VectorFilter = {
        organizationId: ORG,
        ...(spec.kind === undefined ? {} : { kind: spec.kind }),
        ...(spec.documentId === undefined ? {} : { documentId: spec.documentId }),
        ...(spec.leadId === undefined ? {} : { leadId: spec.leadId })
      }
      const q = stored(query)
      const reference = (p: VectorPoint) => score(q, stored(p.vector))
      const expected = [...model.values()]
        .filter((p) => matches(p, filter))
        .map((p) => ({ id: p.id, score: reference(p) }))
        .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
        .slice(0, spec.k)
      const hits = yield* index.search(query, spec.k, filter)
      expect(hits).toHaveLength(expected.length)
      for (const [i, hit] of hits.entries()) {
        const point = model.get(hit.id)!
        expect(matches(point, filter)).toBe(true)
        expect(hit.payload).toEqual(point.payload)
        const exact = reference(point)
        expect(Math.abs(hit.score - exact)).toBeLessThan(1e-12)
        // the same ranking as the reference; only scores that differ by rounding alone may swap places
        if (hit.id !== expected[i]!.id) expect(Math.abs(exact - expected[i]!.score)).toBeLessThan(1e-12)
        if (i > 0) {
          const previous = hits[i - 1]!
          expect(hit.score).toBeLessThanOrEqual(previous.score)
          if (hit.score === previous.score) expect(previous.id < hit.id).toBe(true)
        }
      }
    }
  }).pipe(Effect.provide(world(scenario.dimension)))

describe("in-memory exact VectorIndex: the block scan against a naive exact top-k", () => {
  it.effect("agrees across blocks, dimensions, filters, replacements, deletes and rollbacks", () =>
    Effect.sync(() =>
      FastCheck.assert(
        FastCheck.property(Arbitrary.make(Scenario), (scenario) => Effect.runSync(run(scenario))),
        { numRuns: 40 }
      )
    )
  )

  it.effect("the largest case: three blocks, 40 dimensions, dense and sparse queries, duplicates at the cut", () =>
    run({
      seed: 7,
      dimension: 40,
      rows: 3_000,
      zeros: 0.5,
      duplicates: true,
      replaced: 1_500,
      rolledBack: true,
      deletedDocument: "d3",
      queries: [
        { k: 40, zeros: 0 },
        { k: 10, zeros: 0.9 },
        { k: 25, zeros: 0.5, kind: "lead" },
        { k: 5, zeros: 0, documentId: "d7", leadId: "l3" }
      ]
    })
  )

  it.effect("ranks scores closer together than single precision resolves exactly (the SIMD scan's error margin)", () =>
    Effect.gen(function* () {
      const index = yield* VectorIndex
      const random = rng(11)
      const dimension = 48
      const base = Array.from({ length: dimension }, () => random() - 0.5)
      // every row within about 1e-6 of the same direction: their scores differ in the seventh digit
      const nearly = () => base.map((x) => x + (random() - 0.5) * 2e-6)
      const points = Array.from({ length: 2_500 }, (_, i) => pointOf(i, nearly()))
      yield* index.upsert(points)
      for (let round = 0; round < 20; round++) {
        const query = nearly()
        const q = stored(query)
        const expected = points
          .map((p) => ({ id: p.id, score: score(q, stored(p.vector)) }))
          .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
          .slice(0, 5)
        const hits = yield* index.search(query, 5, { organizationId: ORG })
        expect(hits.map((h) => h.id)).toEqual(expected.map((e) => e.id))
      }
    }).pipe(Effect.provide(world(48)))
  )
})
