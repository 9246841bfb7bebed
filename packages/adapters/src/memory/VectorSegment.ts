import type { VectorFilter, VectorHit, VectorPoint } from "@leadforge/domain"
import { HashMap, Option } from "effect"

type Payload = VectorPoint["payload"]

/**
 * Row storage shared by every snapshot of one segment: unit vectors packed in one Float32Array, payloads in
 * parallel arrays. Rows are only appended, never rewritten; a row that stops being live records the epoch at
 * which it did, so a snapshot taken before still sees it. Only the newest snapshot (`head`) writes in place;
 * writing through an older one (after a rollback) copies its live rows into a new slab first.
 */
class Slab {
  data: Float32Array
  removedAt: Float64Array
  readonly ids: Array<string> = []
  readonly payloads: Array<Payload> = []
  readonly kinds: Array<string> = []
  readonly documents: Array<string | undefined> = []
  readonly leads: Array<string | undefined> = []
  rows = 0
  head: VectorSegment | undefined = undefined

  constructor(
    readonly dimension: number,
    capacity: number
  ) {
    this.data = new Float32Array(Math.max(16, capacity) * dimension)
    this.removedAt = new Float64Array(Math.max(16, capacity)).fill(Number.POSITIVE_INFINITY)
  }

  reserve(rows: number) {
    if (rows <= this.removedAt.length) return
    const capacity = Math.max(rows, this.removedAt.length * 2)
    const data = new Float32Array(capacity * this.dimension)
    data.set(this.data)
    this.data = data
    const removedAt = new Float64Array(capacity).fill(Number.POSITIVE_INFINITY)
    removedAt.set(this.removedAt)
    this.removedAt = removedAt
  }

  /** Appends a row (vector normalized to unit length; a zero vector stays zero) and returns its number. */
  append(id: string, vector: ArrayLike<number>, payload: Payload): number {
    const row = this.rows++
    this.reserve(this.rows)
    let norm = 0
    for (let i = 0; i < vector.length; i++) norm += vector[i]! * vector[i]!
    const scale = norm === 0 ? 0 : 1 / Math.sqrt(norm)
    const base = row * this.dimension
    for (let i = 0; i < this.dimension; i++) this.data[base + i] = vector[i]! * scale
    this.ids[row] = id
    this.payloads[row] = payload
    this.kinds[row] = payload.kind
    this.documents[row] = payload.documentId
    this.leads[row] = payload.leadId
    return row
  }
}

/** An immutable view of one organization's vectors in one index: the rows below `rows` live at `epoch`. */
export class VectorSegment {
  constructor(
    readonly slab: Slab,
    readonly rows: number,
    readonly epoch: number,
    readonly slots: HashMap.HashMap<string, number>
  ) {}

  static empty(dimension: number): VectorSegment {
    const segment = new VectorSegment(new Slab(dimension, 16), 0, 0, HashMap.empty())
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
    const copy = new Slab(slab.dimension, this.size + extra)
    let slots = HashMap.empty<string, number>()
    for (let row = 0; row < this.rows; row++) {
      if (!this.isLive(row)) continue
      const at = copy.append(
        slab.ids[row]!,
        slab.data.subarray(row * slab.dimension, (row + 1) * slab.dimension),
        slab.payloads[row]!
      )
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

  /** The k live rows most similar to `query` that pass `filter`, best first (ties by id), exactly. */
  search(query: ArrayLike<number>, k: number, filter: VectorFilter): ReadonlyArray<VectorHit> {
    if (k <= 0 || this.rows === 0) return []
    const { data, removedAt, ids, kinds, documents, leads, dimension } = this.slab
    const q = unit(query)
    const sparse = nonzeros(q)
    const top = new TopK(Math.min(k, this.size), ids)
    const { kind, documentId, leadId } = filter
    const epoch = this.epoch
    for (let row = 0; row < this.rows; row++) {
      if (removedAt[row]! <= epoch) continue
      if (kind !== undefined && kinds[row] !== kind) continue
      if (documentId !== undefined && documents[row] !== documentId) continue
      if (leadId !== undefined && leads[row] !== leadId) continue
      top.offer(row, sparse === null ? dot(data, row * dimension, q) : sparseDot(data, row * dimension, sparse))
    }
    return top.sorted().map(({ row, score }) => ({ id: ids[row]!, score, payload: this.slab.payloads[row]! }))
  }
}

const unit = (v: ArrayLike<number>): Float32Array => {
  let norm = 0
  for (let i = 0; i < v.length; i++) norm += v[i]! * v[i]!
  const scale = norm === 0 ? 0 : 1 / Math.sqrt(norm)
  const out = new Float32Array(v.length)
  for (let i = 0; i < v.length; i++) out[i] = v[i]! * scale
  return out
}

interface Sparse {
  readonly at: Int32Array
  readonly values: Float32Array
}

/**
 * The query's nonzero components, when they are under half of them: a short query embedded by feature hashing
 * (a few words) sets only a few dozen of 384 dimensions, and skipping its zeros skips most of the arithmetic.
 */
const nonzeros = (q: Float32Array): Sparse | null => {
  let count = 0
  for (let i = 0; i < q.length; i++) if (q[i] !== 0) count++
  if (count * 2 >= q.length) return null
  const at = new Int32Array(count)
  const values = new Float32Array(count)
  for (let i = 0, j = 0; i < q.length; i++) {
    if (q[i] !== 0) {
      at[j] = i
      values[j++] = q[i]!
    }
  }
  return { at, values }
}

const sparseDot = (data: Float32Array, base: number, q: Sparse): number => {
  const { at, values } = q
  const n = at.length
  const end2 = n - (n % 2)
  let s0 = 0
  let s1 = 0
  let j = 0
  for (; j < end2; j += 2) {
    s0 += data[base + at[j]!]! * values[j]!
    s1 += data[base + at[j + 1]!]! * values[j + 1]!
  }
  if (j < n) s0 += data[base + at[j]!]! * values[j]!
  return s0 + s1
}

/** Dot product of `q` with the row starting at `base`, four lanes at a time. */
const dot = (data: Float32Array, base: number, q: Float32Array): number => {
  const n = q.length
  const end4 = n - (n % 4)
  let s0 = 0
  let s1 = 0
  let s2 = 0
  let s3 = 0
  let i = 0
  for (; i < end4; i += 4) {
    s0 += data[base + i]! * q[i]!
    s1 += data[base + i + 1]! * q[i + 1]!
    s2 += data[base + i + 2]! * q[i + 2]!
    s3 += data[base + i + 3]! * q[i + 3]!
  }
  for (; i < n; i++) s0 += data[base + i]! * q[i]!
  return s0 + s1 + s2 + s3
}

/** A bounded min-heap of (score, row): the root is the worst kept hit; ties rank by id, smaller first. */
class TopK {
  private readonly scores: Float64Array
  private readonly rows: Int32Array
  private size = 0

  constructor(
    private readonly k: number,
    private readonly ids: ReadonlyArray<string>
  ) {
    this.scores = new Float64Array(k)
    this.rows = new Int32Array(k)
  }

  /** a ranks below b */
  private worse(sa: number, ra: number, sb: number, rb: number): boolean {
    return sa < sb || (sa === sb && this.ids[ra]! > this.ids[rb]!)
  }

  offer(row: number, score: number) {
    if (this.k === 0) return
    if (this.size === this.k) {
      const rootScore = this.scores[0]!
      if (score < rootScore || !this.worse(rootScore, this.rows[0]!, score, row)) return
      this.siftDown(score, row)
      return
    }
    let at = this.size++
    while (at > 0) {
      const parent = (at - 1) >> 1
      if (!this.worse(score, row, this.scores[parent]!, this.rows[parent]!)) break
      this.scores[at] = this.scores[parent]!
      this.rows[at] = this.rows[parent]!
      at = parent
    }
    this.scores[at] = score
    this.rows[at] = row
  }

  /** Replaces the root with (score, row) and restores the heap. */
  private siftDown(score: number, row: number) {
    let at = 0
    for (;;) {
      let child = 2 * at + 1
      if (child >= this.size) break
      if (
        child + 1 < this.size &&
        this.worse(this.scores[child + 1]!, this.rows[child + 1]!, this.scores[child]!, this.rows[child]!)
      ) {
        child++
      }
      if (!this.worse(this.scores[child]!, this.rows[child]!, score, row)) break
      this.scores[at] = this.scores[child]!
      this.rows[at] = this.rows[child]!
      at = child
    }
    this.scores[at] = score
    this.rows[at] = row
  }

  /** The kept hits, best first. */
  sorted(): Array<{ readonly row: number; readonly score: number }> {
    const hits = Array.from({ length: this.size }, (_, i) => ({ row: this.rows[i]!, score: this.scores[i]! }))
    return hits.sort((a, b) => (this.worse(a.score, a.row, b.score, b.row) ? 1 : -1))
  }
}
