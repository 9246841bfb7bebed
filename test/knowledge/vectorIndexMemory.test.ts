import { describe, expect, it } from "@effect/vitest"
import { MemoryStoreLive, makeVectorIndexMemory, TransactorMemory } from "@leadforge/adapters/memory"
import {
  type OrganizationId,
  Transactor,
  type VectorFilter,
  type VectorHit,
  VectorIndex,
  type VectorPoint
} from "@leadforge/domain"
import { Arbitrary, Effect, FastCheck, Layer, Schema } from "effect"
import { spec } from "./support.js"

const DIMENSION = 6
const ORGS = ["00000000-0000-4000-8000-00000000000a", "00000000-0000-4000-8000-00000000000b"] as Array<OrganizationId>

/** Small integer components, so distinct points often tie and zero vectors occur. */
const Vector = Schema.Array(Schema.Int.pipe(Schema.between(-2, 2))).pipe(Schema.itemsCount(DIMENSION))
const Point = Schema.Struct({
  id: Schema.Literal("p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9"),
  org: Schema.Literal(0, 1),
  vector: Vector,
  kind: Schema.Literal("chunk", "lead"),
  documentId: Schema.optional(Schema.Literal("d1", "d2")),
  leadId: Schema.optional(Schema.Literal("l1", "l2"))
})
const Filter = Schema.Struct({
  org: Schema.Literal(0, 1),
  kind: Schema.optional(Schema.Literal("chunk", "lead")),
  documentId: Schema.optional(Schema.Literal("d1", "d2")),
  leadId: Schema.optional(Schema.Literal("l1", "l2"))
})
const Write = Schema.Union(
  Schema.TaggedStruct("upsert", { points: Schema.Array(Point).pipe(Schema.maxItems(6)) }),
  Schema.TaggedStruct("delete", {
    filter: Filter,
    ids: Schema.optional(Schema.Array(Schema.Literal("p0", "p1", "p2", "p3", "p4")))
  })
)
const Op = Schema.Union(
  Write,
  /** writes inside a transaction that then fails: none of them may remain */
  Schema.TaggedStruct("rolledBack", { writes: Schema.Array(Write).pipe(Schema.maxItems(4)) }),
  Schema.TaggedStruct("search", {
    query: Vector,
    k: Schema.Int.pipe(Schema.between(0, 12)),
    filter: Filter
  })
)
type Op = typeof Op.Type
type Write = typeof Write.Type

const toPoint = (p: typeof Point.Type): VectorPoint => ({
  id: p.id,
  organizationId: ORGS[p.org]!,
  vector: p.vector,
  payload: {
    kind: p.kind,
    ...(p.documentId === undefined ? {} : { documentId: p.documentId }),
    ...(p.leadId === undefined ? {} : { leadId: p.leadId })
  }
})
const toFilter = (f: typeof Filter.Type): VectorFilter => ({
  organizationId: ORGS[f.org]!,
  ...(f.kind === undefined ? {} : { kind: f.kind }),
  ...(f.documentId === undefined ? {} : { documentId: f.documentId }),
  ...(f.leadId === undefined ? {} : { leadId: f.leadId })
})
const matches = (p: VectorPoint, f: VectorFilter) =>
  p.organizationId === f.organizationId &&
  (f.kind === undefined || p.payload.kind === f.kind) &&
  (f.documentId === undefined || p.payload.documentId === f.documentId) &&
  (f.leadId === undefined || p.payload.leadId === f.leadId)
const cosine = (a: ReadonlyArray<number>, b: ReadonlyArray<number>) => {
  const dot = a.reduce((s, x, i) => s + x * b[i]!, 0)
  const na = Math.hypot(...a)
  const nb = Math.hypot(...b)
  return na === 0 || nb === 0 ? 0 : dot / (na * nb)
}

/** The model: a plain map from organization and id to the last point written. */
const applyToModel = (model: Map<string, VectorPoint>, write: Write) => {
  if (write._tag === "upsert") {
    for (const p of write.points.map(toPoint)) model.set(`${p.organizationId}/${p.id}`, p)
    return
  }
  const filter = toFilter(write.filter)
  for (const [key, p] of model) {
    if (matches(p, filter) && (write.ids === undefined || write.ids.includes(p.id as "p0"))) model.delete(key)
  }
}

/** Exact top-k up to float32 rounding: the right number of hits, each a live match with its true score, sorted, none better left out. */
const expectExactTopK = (
  hits: ReadonlyArray<VectorHit>,
  model: Map<string, VectorPoint>,
  query: ReadonlyArray<number>,
  k: number,
  filter: VectorFilter
) => {
  const candidates = [...model.values()]
    .filter((p) => matches(p, filter))
    .map((p) => ({ p, score: cosine(query, p.vector) }))
    .sort((a, b) => b.score - a.score)
  expect(hits).toHaveLength(Math.min(k, candidates.length))
  expect(new Set(hits.map((h) => h.id)).size).toBe(hits.length)
  for (const [i, hit] of hits.entries()) {
    const stored = model.get(`${filter.organizationId}/${hit.id}`)
    expect(stored).toBeDefined()
    expect(matches(stored!, filter)).toBe(true)
    expect(hit.payload).toEqual(stored!.payload)
    expect(hit.score).toBeCloseTo(cosine(query, stored!.vector), 5)
    if (i > 0) expect(hit.score).toBeLessThanOrEqual(hits[i - 1]!.score)
  }
  if (hits.length > 0) expect(hits.at(-1)!.score).toBeGreaterThanOrEqual(candidates[hits.length - 1]!.score - 1e-5)
}

const world = Layer.merge(makeVectorIndexMemory(spec("memory_model", DIMENSION, "test-6")), TransactorMemory).pipe(
  Layer.provide(MemoryStoreLive)
)

describe("in-memory exact VectorIndex against a model", () => {
  it.effect("any sequence of upserts, deletes, rolled-back transactions and searches agrees with brute force", () =>
    Effect.sync(() =>
      FastCheck.assert(
        FastCheck.property(FastCheck.array(Arbitrary.make(Op), { maxLength: 40 }), (ops: ReadonlyArray<Op>) =>
          Effect.runSync(
            Effect.gen(function* () {
              const index = yield* VectorIndex
              const transactor = yield* Transactor
              const model = new Map<string, VectorPoint>()
              const write = (w: Write) =>
                w._tag === "upsert"
                  ? index.upsert(w.points.map(toPoint))
                  : index.delete({ ...toFilter(w.filter), ...(w.ids === undefined ? {} : { ids: w.ids }) })
              for (const op of ops) {
                if (op._tag === "search") {
                  const filter = toFilter(op.filter)
                  expectExactTopK(yield* index.search(op.query, op.k, filter), model, op.query, op.k, filter)
                } else if (op._tag === "rolledBack") {
                  yield* transactor
                    .withTransaction(Effect.zipRight(Effect.forEach(op.writes, write), Effect.fail("rollback")))
                    .pipe(Effect.ignore)
                } else {
                  yield* write(op)
                  applyToModel(model, op)
                }
              }
              for (const org of [0, 1] as const) {
                const filter = toFilter({ org })
                const everything = yield* index.search([1, 0, 0, 0, 0, 0], 100, filter)
                expect(everything.map((h) => h.id).sort()).toEqual(
                  [...model.values()]
                    .filter((p) => matches(p, filter))
                    .map((p) => p.id)
                    .sort()
                )
              }
            }).pipe(Effect.provide(world))
          )
        ),
        { numRuns: 300 }
      )
    )
  )

  it.effect("keeps a large collection exact through replacements, deletes and compaction", () =>
    Effect.gen(function* () {
      const index = yield* VectorIndex
      const org = ORGS[0]!
      const vector = (i: number, round: number) =>
        Array.from({ length: DIMENSION }, (_, j) => Math.sin(i * 0.37 + j * 1.3 + round))
      const model = new Map<string, VectorPoint>()
      for (let round = 0; round < 4; round++) {
        const points = Array.from(
          { length: 3_000 },
          (_, i): VectorPoint => ({
            id: `c${i}`,
            organizationId: org,
            vector: vector(i, round),
            payload: { kind: i % 3 === 0 ? "lead" : "chunk", documentId: `d${i % 7}` }
          })
        )
        yield* index.upsert(points)
        for (const p of points) model.set(`${org}/${p.id}`, p)
        yield* index.delete({ organizationId: org, documentId: `d${round}` })
        for (const [key, p] of model) if (p.payload.documentId === `d${round}`) model.delete(key)
        for (const filter of [{ organizationId: org }, { organizationId: org, kind: "lead" }] as const) {
          // a dense query, and a sparse one (the scan then multiplies only its nonzero components)
          for (const query of [vector(round * 11, 0.5), [0, 0.8, 0, 0, -0.3, 0]]) {
            expectExactTopK(yield* index.search(query, 25, filter), model, query, 25, filter)
          }
        }
      }
    }).pipe(Effect.provide(world))
  )
})
