import { VectorIndex, VectorIndexSpec } from "@leadforge/domain"
import { Effect, HashMap, Layer, Option, Ref } from "effect"
import { checkDimension as sameDimension } from "../vector/checkDimension.js"
import { VectorSegment } from "../vector/exact/VectorSegment.js"
import { MemoryStore } from "./MemoryStore.js"

/**
 * Exact (brute-force) cosine search. Each organization's vectors are one VectorSegment in the store's `vectors`
 * table: unit vectors stored dimension-major in blocks of 1,024 rows (VectorSlab), so a search adds each nonzero
 * query component times one contiguous column into a block of scores, and keeps the best in a bounded heap. A
 * filter leaving few rows scores those alone. Segments are immutable snapshots (new rows are appended to storage
 * they share), so TransactorMemory's snapshot and restore stay a Ref get and set.
 */
export const makeVectorIndexMemory = (spec: VectorIndexSpec): Layer.Layer<VectorIndex, never, MemoryStore> =>
  Layer.effect(
    VectorIndex,
    Effect.gen(function* () {
      const { tables } = yield* MemoryStore
      const checkDimension = sameDimension(spec.name, spec.dimension)
      const key = (organizationId: string) => `${spec.name}/${organizationId}`
      const segmentOf = (vectors: HashMap.HashMap<string, VectorSegment>, organizationId: string) =>
        Option.getOrElse(HashMap.get(vectors, key(organizationId)), () => VectorSegment.empty(spec.dimension))
      const update = (organizationId: string, f: (segment: VectorSegment) => VectorSegment) =>
        Ref.update(tables, (t) => {
          const before = segmentOf(t.vectors, organizationId)
          const after = f(before)
          return after === before ? t : { ...t, vectors: HashMap.set(t.vectors, key(organizationId), after) }
        })

      return VectorIndex.of({
        spec,
        upsert: (points) =>
          Effect.gen(function* () {
            for (const p of points) yield* checkDimension(p.vector.length)
            const byOrganization = new Map<string, Array<(typeof points)[number]>>()
            for (const p of points) {
              const group = byOrganization.get(p.organizationId)
              if (group === undefined) byOrganization.set(p.organizationId, [p])
              else group.push(p)
            }
            for (const [organizationId, group] of byOrganization) {
              yield* update(organizationId, (segment) => segment.upsert(group))
            }
          }).pipe(Effect.withSpan("VectorIndexMemory.upsert", { attributes: { points: points.length } })),
        delete: (filter) => {
          const ids = filter.ids === undefined ? undefined : new Set(filter.ids)
          return update(filter.organizationId, (segment) =>
            segment.remove(
              (id, payload) =>
                (ids === undefined || ids.has(id)) &&
                (filter.documentId === undefined || payload.documentId === filter.documentId) &&
                (filter.leadId === undefined || payload.leadId === filter.leadId) &&
                (filter.kind === undefined || payload.kind === filter.kind)
            )
          ).pipe(Effect.withSpan("VectorIndexMemory.delete"))
        },
        search: (vector, k, filter) =>
          checkDimension(vector.length).pipe(
            Effect.zipRight(Ref.get(tables)),
            Effect.map((t) => segmentOf(t.vectors, filter.organizationId).search(vector, Math.floor(k), filter)),
            Effect.withSpan("VectorIndexMemory.search", { attributes: { k } })
          ),
        bulkLoad: (load) => load
      })
    })
  )

export const VectorIndexMemory = makeVectorIndexMemory(
  new VectorIndexSpec({ name: "memory", dimension: 384, embedderId: "hashing-384", distance: "cosine" })
)
