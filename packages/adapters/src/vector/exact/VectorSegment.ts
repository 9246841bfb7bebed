import type { VectorFilter, VectorHit, VectorPoint } from "@leadforge/domain"
import { HashMap, Option } from "effect"
import { TopK } from "./TopK.js"
import { BLOCK, type Query, queryOf, VectorSlab } from "./VectorSlab.js"

type Payload = VectorPoint["payload"]

/**
 * An immutable view of one organization's vectors in one index: the rows below `rows` live at `epoch`. Snapshots
 * share their slab; only the newest (the slab's `head`) writes in place, and writing through an older one (after
 * a rollback) copies its live rows into a new slab first.
 */
export class VectorSegment {
  constructor(
    readonly slab: VectorSlab<VectorSegment>,
    readonly rows: number,
    readonly epoch: number,
    readonly slots: HashMap.HashMap<string, number>
  ) {}

  static empty(dimension: number): VectorSegment {
    const segment = new VectorSegment(new VectorSlab<VectorSegment>(dimension, 16), 0, 0, HashMap.empty())
    segment.slab.head = segment
    return segment
  }

  get size(): number {
    return HashMap.size(this.slots)
  }

  isLive(row: number): boolean {
    return this.slab.removedAt[row]! > this.epoch
  }

  /** A slab this snapshot may append to: its own when it is the newest and not mostly dead rows, else a copy. */
  private writable(extra: number): VectorSegment {
    const slab = this.slab
    if (slab.head === this && slab.rows === this.rows && this.rows - this.size <= Math.max(1024, this.size)) {
      slab.reserve(this.rows + extra)
      return this
    }
    const copy = new VectorSlab<VectorSegment>(slab.dimension, this.size + extra)
    let slots = HashMap.empty<string, number>()
    for (let row = 0; row < this.rows; row++) {
      if (!this.isLive(row)) continue
      const at = copy.append(slab.ids[row]!, slab.vector(row), slab.payloads[row]!)
      slots = HashMap.set(slots, slab.ids[row]!, at)
    }
    const fork = new VectorSegment(copy, copy.rows, 0, slots)
    copy.head = fork
    return fork
  }

  private commit(epoch: number, slots: HashMap.HashMap<string, number>): VectorSegment {
    const next = new VectorSegment(this.slab, this.slab.rows, epoch, slots)
    this.slab.head = next
    return next
  }

  upsert(points: ReadonlyArray<VectorPoint>): VectorSegment {
    const base = this.writable(points.length)
    const slab = base.slab
    const epoch = base.epoch + 1
    const slots = HashMap.mutate(base.slots, (mutable) => {
      for (const p of points) {
        const previous = HashMap.get(mutable, p.id)
        if (Option.isSome(previous)) slab.removedAt[previous.value] = epoch
        HashMap.set(mutable, p.id, slab.append(p.id, p.vector, p.payload))
      }
    })
    return base.commit(epoch, slots)
  }

  /** Removes the live rows `remove` accepts (given the row's id and payload). */
  remove(remove: (id: string, payload: Payload) => boolean): VectorSegment {
    const doomed: Array<number> = []
    for (let row = 0; row < this.rows; row++) {
      if (this.isLive(row) && remove(this.slab.ids[row]!, this.slab.payloads[row]!)) doomed.push(row)
    }
    if (doomed.length === 0) return this
    const base = this.writable(0)
    // a fork renumbers rows: find the doomed ones again by id
    const rows = base === this ? doomed : doomed.map((row) => HashMap.unsafeGet(base.slots, this.slab.ids[row]!))
    const epoch = base.epoch + 1
    const slots = HashMap.mutate(base.slots, (mutable) => {
      for (const row of rows) {
        base.slab.removedAt[row] = epoch
        HashMap.remove(mutable, base.slab.ids[row]!)
      }
    })
    return base.commit(epoch, slots)
  }

  /**
   * The k live rows most similar to `query` that pass `filter`, best first (ties by id), exactly: every row that
   * may qualify is scored. A filter that leaves few rows scores those alone; otherwise whole blocks are scored and
   * the filter applied to their scores.
   */
  search(query: ArrayLike<number>, k: number, filter: VectorFilter): ReadonlyArray<VectorHit> {
    if (k <= 0 || this.size === 0) return []
    const slab = this.slab
    const q = queryOf(query)
    const top = new TopK(Math.min(k, this.size), slab.ids)
    const narrowed = this.narrow(filter)
    if (narrowed !== undefined) {
      for (let i = 0; i < narrowed.length; i++) top.offer(narrowed[i]!, slab.score(narrowed[i]!, q))
    } else {
      this.scan(q, filter, top)
    }
    return top.sorted().map(({ row, score }) => ({ id: slab.ids[row]!, score, payload: slab.payloads[row]! }))
  }

  /** The live rows passing a filter on payload, when they are few enough to score one by one. */
  private narrow(filter: VectorFilter): Int32Array | undefined {
    const { kind, documentId, leadId } = filter
    if (kind === undefined && documentId === undefined && leadId === undefined) return undefined
    const { removedAt, kinds, documents, leads } = this.slab
    // scoring one row gathers one value per column, several times the cost per value of a block's scan
    const limit = this.rows >> 3
    const rows: Array<number> = []
    for (let row = 0; row < this.rows; row++) {
      if (removedAt[row]! <= this.epoch) continue
      if (kind !== undefined && kinds[row] !== kind) continue
      if (documentId !== undefined && documents[row] !== documentId) continue
      if (leadId !== undefined && leads[row] !== leadId) continue
      if (rows.push(row) > limit) return undefined
    }
    return Int32Array.from(rows)
  }

  /** Scores every row block by block, offering the live ones that pass `filter`. */
  private scan(q: Query, filter: VectorFilter, top: TopK) {
    if (this.slab.approximates(0)) return this.scanInTwoPasses(q, filter, top)
    const { removedAt, kinds, documents, leads } = this.slab
    const { kind, documentId, leadId } = filter
    const epoch = this.epoch
    const scores = new Float64Array(Math.min(BLOCK, this.rows))
    for (let first = 0; first < this.rows; first += BLOCK) {
      const count = Math.min(BLOCK, this.rows - first)
      this.slab.scoreBlock(first, count, q, scores)
      for (let i = 0; i < count; i++) {
        const row = first + i
        if (removedAt[row]! <= epoch) continue
        if (kind !== undefined && kinds[row] !== kind) continue
        if (documentId !== undefined && documents[row] !== documentId) continue
        if (leadId !== undefined && leads[row] !== leadId) continue
        top.offer(row, scores[i]!)
      }
    }
  }

  /**
   * The same result from the SIMD kernel's single-precision scores, each within `q.error` of the exact one. With
   * τ the k-th best of them, k rows score at least τ − error exactly, so a row below τ − 2·error cannot be among
   * the best k; the rest (usually a few more than k) are scored exactly. τ only rises during the scan, so a row
   * already below the running bound is dropped at once.
   */
  private scanInTwoPasses(q: Query, filter: VectorFilter, top: TopK) {
    const slab = this.slab
    const { removedAt, kinds, documents, leads } = slab
    const { kind, documentId, leadId } = filter
    const epoch = this.epoch
    const margin = 2 * q.error
    const best = new TopK(top.k, slab.ids)
    let bound = Number.NEGATIVE_INFINITY
    const candidates: Array<number> = []
    const approximate: Array<number> = []
    slab.prepare(q)
    for (let first = 0; first < this.rows; first += BLOCK) {
      const count = Math.min(BLOCK, this.rows - first)
      const scores = slab.approximates(first) ? slab.approximateBlock(first, count, q) : this.rounded(first, count, q)
      for (let i = 0; i < count; i++) {
        const score = scores[i]!
        if (score < bound) continue
        const row = first + i
        if (removedAt[row]! <= epoch) continue
        if (kind !== undefined && kinds[row] !== kind) continue
        if (documentId !== undefined && documents[row] !== documentId) continue
        if (leadId !== undefined && leads[row] !== leadId) continue
        best.offer(row, score)
        bound = best.floor() - margin
        candidates.push(row)
        approximate.push(score)
      }
    }
    for (let i = 0; i < candidates.length; i++) {
      if (approximate[i]! >= bound) top.offer(candidates[i]!, slab.score(candidates[i]!, q))
    }
  }

  /**
   * A block past the kernel memory's 4 GiB, scored in JavaScript and rounded to single precision: that moves a
   * score by at most 2⁻²⁴ of its size, within `q.error`, so it goes through the same bound.
   */
  private rounded(first: number, count: number, q: Query): Float32Array {
    const exact = new Float64Array(count)
    this.slab.scoreBlock(first, count, q, exact)
    return Float32Array.from(exact)
  }
}
