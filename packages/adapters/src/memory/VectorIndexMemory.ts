import {
  IndexMismatch,
  type VectorFilter,
  type VectorHit,
  VectorIndex,
  VectorIndexSpec,
  type VectorPoint
} from "@leadforge/domain"
import { Effect, HashMap, Layer, Ref } from "effect"
import { MemoryStore } from "./MemoryStore.js"

const matches = (point: VectorPoint, filter: VectorFilter): boolean =>
  point.organizationId === filter.organizationId &&
  (filter.documentId === undefined || point.payload.documentId === filter.documentId) &&
  (filter.leadId === undefined || point.payload.leadId === filter.leadId) &&
  (filter.kind === undefined || point.payload.kind === filter.kind)

const norm = (v: ReadonlyArray<number>): number => {
  let n = 0
  for (let i = 0; i < v.length; i++) n += v[i]! * v[i]!
  return Math.sqrt(n)
}

const before = (a: VectorHit, b: VectorHit) => a.score > b.score || (a.score === b.score && a.id < b.id)

/** The k best matches in one pass, keeping a small sorted buffer instead of sorting every candidate. */
const topK = (
  query: ReadonlyArray<number>,
  k: number,
  filter: VectorFilter,
  points: Iterable<VectorPoint>
): ReadonlyArray<VectorHit> => {
  if (k === 0) return []
  const qn = norm(query)
  const best: Array<VectorHit> = []
  for (const p of points) {
    if (!matches(p, filter)) continue
    let dot = 0
    let pn = 0
    const v = p.vector
    for (let i = 0; i < v.length; i++) {
      dot += query[i]! * v[i]!
      pn += v[i]! * v[i]!
    }
    const score = qn === 0 || pn === 0 ? 0 : dot / (qn * Math.sqrt(pn))
    const hit = { id: p.id, score, payload: p.payload }
    if (best.length === k && !before(hit, best[k - 1]!)) continue
    let at = best.length === k ? k - 1 : best.length
    while (at > 0 && before(hit, best[at - 1]!)) {
      best[at] = best[at - 1]!
      at--
    }
    best[at] = hit
  }
  return best
}

/** Exact (brute-force) cosine search; fine for embedded collections and tests. */
export const makeVectorIndexMemory = (spec: VectorIndexSpec): Layer.Layer<VectorIndex, never, MemoryStore> =>
  Layer.effect(
    VectorIndex,
    Effect.gen(function* () {
      const { tables } = yield* MemoryStore
      const checkDimension = (vector: ReadonlyArray<number>) =>
        vector.length === spec.dimension
          ? Effect.void
          : Effect.fail(
              new IndexMismatch({
                index: spec.name,
                expected: `dimension ${spec.dimension}`,
                actual: `dimension ${vector.length}`
              })
            )
      const key = (point: { readonly organizationId: string; readonly id: string }) =>
        `${point.organizationId}/${point.id}`
      return VectorIndex.of({
        spec,
        upsert: (points) =>
          Effect.forEach(points, (p) => checkDimension(p.vector), { discard: true }).pipe(
            Effect.zipRight(
              Ref.update(tables, (t) => ({
                ...t,
                vectors: points.reduce((acc, p) => HashMap.set(acc, key(p), p), t.vectors)
              }))
            )
          ),
        delete: (filter) =>
          Ref.update(tables, (t) => ({
            ...t,
            vectors: HashMap.filter(
              t.vectors,
              (p) => !(matches(p, filter) && (filter.ids === undefined || filter.ids.includes(p.id)))
            )
          })),
        search: (vector, k, filter) =>
          checkDimension(vector).pipe(
            Effect.zipRight(Ref.get(tables)),
            Effect.map((t) => topK(vector, Math.max(0, Math.floor(k)), filter, HashMap.values(t.vectors)))
          )
      })
    })
  )

export const VectorIndexMemory = makeVectorIndexMemory(
  new VectorIndexSpec({ name: "memory", dimension: 384, embedderId: "hashing-384", distance: "cosine" })
)
