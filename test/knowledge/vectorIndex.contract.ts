import { expect, type Vitest } from "@effect/vitest"
import { IndexMismatch, newId, type OrganizationId, VectorIndex, type VectorPoint } from "@leadforge/domain"
import { Effect, Exit } from "effect"

export const CONTRACT_DIMENSION = 16

/** Deterministic pseudo-random unit vectors (mulberry32). */
export const randomUnitVectors = (count: number, dimension: number, seed = 1): Array<Array<number>> => {
  let s = seed >>> 0
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5
  }
  return Array.from({ length: count }, () => {
    const v = Array.from({ length: dimension }, next)
    const n = Math.sqrt(v.reduce((a, x) => a + x * x, 0))
    return v.map((x) => x / n)
  })
}

const point = (
  organizationId: OrganizationId,
  vector: ReadonlyArray<number>,
  payload: VectorPoint["payload"] = { kind: "chunk" },
  id: string = newId()
): VectorPoint => ({ id, organizationId, vector, payload })

const axis = (i: number, dimension = CONTRACT_DIMENSION) =>
  Array.from({ length: dimension }, (_, j) => (j === i ? 1 : 0))

const cosine = (a: ReadonlyArray<number>, b: ReadonlyArray<number>) => a.reduce((s, x, i) => s + x * b[i]!, 0)

/** One behaviour for every VectorIndex adapter; each test uses its own organization, so the index may be shared. */
export const vectorIndexContract = (it: Vitest.MethodsNonLive<VectorIndex>) => {
  it.effect("returns the nearest points first with cosine similarity as score", () =>
    Effect.gen(function* () {
      const index = yield* VectorIndex
      const org = newId<OrganizationId>()
      const vectors = randomUnitVectors(40, CONTRACT_DIMENSION, 7)
      const points = vectors.map((v) => point(org, v))
      yield* index.upsert(points)
      const query = vectors[3]!
      const hits = yield* index.search(query, 5, { organizationId: org })
      expect(hits).toHaveLength(5)
      expect(hits[0]!.id).toBe(points[3]!.id)
      expect(hits[0]!.score).toBeCloseTo(1, 4)
      const exact = points
        .map((p) => ({ id: p.id, score: cosine(query, p.vector) }))
        .sort((a, b) => b.score - a.score)
        .slice(0, 5)
      expect(hits.map((h) => h.id)).toEqual(exact.map((e) => e.id))
      for (let i = 0; i < 5; i++) expect(hits[i]!.score).toBeCloseTo(exact[i]!.score, 4)
    })
  )

  it.effect("never returns another organization's points", () =>
    Effect.gen(function* () {
      const index = yield* VectorIndex
      const orgA = newId<OrganizationId>()
      const orgB = newId<OrganizationId>()
      const a = point(orgA, axis(0))
      yield* index.upsert([a, point(orgB, axis(0)), point(orgB, axis(1))])
      const hits = yield* index.search(axis(0), 10, { organizationId: orgA })
      expect(hits.map((h) => h.id)).toEqual([a.id])
    })
  )

  it.effect("filters by kind, document and lead and returns the payload", () =>
    Effect.gen(function* () {
      const index = yield* VectorIndex
      const org = newId<OrganizationId>()
      const documentId = newId<string>()
      const leadId = newId<string>()
      const inDoc = point(org, axis(0), { kind: "chunk", documentId, leadId })
      const otherDoc = point(org, axis(0), { kind: "chunk", documentId: newId() })
      const lead = point(org, axis(0), { kind: "lead", leadId }, leadId)
      yield* index.upsert([inDoc, otherDoc, lead])
      const byDoc = yield* index.search(axis(0), 10, { organizationId: org, documentId })
      expect(byDoc.map((h) => h.id)).toEqual([inDoc.id])
      expect(byDoc[0]!.payload).toEqual({ kind: "chunk", documentId, leadId })
      const byKind = yield* index.search(axis(0), 10, { organizationId: org, kind: "lead" })
      expect(byKind.map((h) => h.id)).toEqual([lead.id])
      const byLead = yield* index.search(axis(0), 10, { organizationId: org, leadId })
      expect(byLead.map((h) => h.id).sort()).toEqual([inDoc.id, lead.id].sort())
      const chunksOfLead = yield* index.search(axis(0), 10, { organizationId: org, leadId, kind: "chunk" })
      expect(chunksOfLead.map((h) => h.id)).toEqual([inDoc.id])
    })
  )

  it.effect("upserting an existing id replaces its vector and payload", () =>
    Effect.gen(function* () {
      const index = yield* VectorIndex
      const org = newId<OrganizationId>()
      const p = point(org, axis(0), { kind: "chunk", documentId: "d1" })
      yield* index.upsert([p, point(org, axis(2))])
      yield* index.upsert([{ ...p, vector: axis(1), payload: { kind: "chunk", documentId: "d2" } }])
      const hits = yield* index.search(axis(1), 1, { organizationId: org })
      expect(hits[0]!.id).toBe(p.id)
      expect(hits[0]!.score).toBeCloseTo(1, 4)
      expect(hits[0]!.payload.documentId).toBe("d2")
      expect(yield* index.search(axis(0), 10, { organizationId: org })).toHaveLength(2)
    })
  )

  it.effect("deletes by ids, by document and by kind, only within the organization", () =>
    Effect.gen(function* () {
      const index = yield* VectorIndex
      const org = newId<OrganizationId>()
      const other = newId<OrganizationId>()
      const d1 = [
        point(org, axis(0), { kind: "chunk", documentId: "d1" }),
        point(org, axis(1), { kind: "chunk", documentId: "d1" })
      ]
      const d2 = point(org, axis(2), { kind: "chunk", documentId: "d2" })
      const lead = point(org, axis(3), { kind: "lead", leadId: "l1" })
      const foreign = point(other, axis(0), { kind: "chunk", documentId: "d1" })
      yield* index.upsert([...d1, d2, lead, foreign])
      const ids = (org_: OrganizationId) =>
        index.search(axis(0), 20, { organizationId: org_ }).pipe(Effect.map((hs) => hs.map((h) => h.id).sort()))
      yield* index.delete({ organizationId: org, ids: [d1[0]!.id] })
      expect(yield* ids(org)).toEqual([d1[1]!.id, d2.id, lead.id].sort())
      yield* index.delete({ organizationId: org, documentId: "d1" })
      expect(yield* ids(org)).toEqual([d2.id, lead.id].sort())
      yield* index.delete({ organizationId: org, kind: "lead" })
      expect(yield* ids(org)).toEqual([d2.id])
      yield* index.delete({ organizationId: org, ids: [] })
      expect(yield* ids(org)).toEqual([d2.id])
      expect(yield* ids(other)).toEqual([foreign.id])
    })
  )

  it.effect("handles k larger than the collection, k = 0 and an empty organization", () =>
    Effect.gen(function* () {
      const index = yield* VectorIndex
      const org = newId<OrganizationId>()
      yield* index.upsert([point(org, axis(0)), point(org, axis(1))])
      expect(yield* index.search(axis(0), 50, { organizationId: org })).toHaveLength(2)
      expect(yield* index.search(axis(0), 0, { organizationId: org })).toEqual([])
      expect(yield* index.search(axis(0), 5, { organizationId: newId<OrganizationId>() })).toEqual([])
      yield* index.upsert([])
    })
  )

  it.effect("a bulk load returns its result and keeps its points; a batch repeating an id keeps the last", () =>
    Effect.gen(function* () {
      const index = yield* VectorIndex
      const org = newId<OrganizationId>()
      const vectors = randomUnitVectors(30, CONTRACT_DIMENSION, 11)
      const points = vectors.map((v) => point(org, v))
      const loaded = yield* index.bulkLoad(
        Effect.as(
          Effect.forEach([points.slice(0, 10), points.slice(10)], (batch) => index.upsert(batch), { discard: true }),
          "done"
        )
      )
      expect(loaded).toBe("done")
      const hits = yield* index.search(vectors[17]!, 3, { organizationId: org })
      expect(hits[0]!.id).toBe(points[17]!.id)
      const twice = point(org, axis(0), { kind: "chunk", documentId: "first" })
      yield* index.upsert([twice, { ...twice, vector: axis(1), payload: { kind: "chunk", documentId: "last" } }])
      const again = yield* index.search(axis(1), 1, { organizationId: org, documentId: "last" })
      expect(again.map((h) => h.id)).toEqual([twice.id])
      expect(yield* index.search(axis(0), 5, { organizationId: org, documentId: "first" })).toEqual([])
      const failed = yield* Effect.flip(
        index.bulkLoad(Effect.zipRight(index.upsert([point(org, axis(2))]), Effect.fail("load failed" as const)))
      )
      expect(failed).toBe("load failed")
      expect((yield* index.search(axis(2), 1, { organizationId: org }))[0]!.score).toBeCloseTo(1, 4)
    })
  )

  it.effect("rejects vectors of another dimension with IndexMismatch", () =>
    Effect.gen(function* () {
      const index = yield* VectorIndex
      const org = newId<OrganizationId>()
      const wrong = axis(0, CONTRACT_DIMENSION + 1)
      const up = yield* Effect.exit(index.upsert([point(org, wrong)]))
      const search = yield* Effect.exit(index.search(wrong, 3, { organizationId: org }))
      for (const exit of [up, search] as ReadonlyArray<Exit.Exit<unknown, unknown>>) {
        expect(Exit.isFailure(exit)).toBe(true)
        if (Exit.isFailure(exit)) expect(exit.cause).toMatchObject({ _tag: "Fail", error: expect.any(IndexMismatch) })
      }
      expect(index.spec.dimension).toBe(CONTRACT_DIMENSION)
    })
  )
}
