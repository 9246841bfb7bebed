import type { VectorPoint } from "@leadforge/domain"

type Payload = VectorPoint["payload"]

/** Rows per block; a power of two. A block's scores (8 KiB of float64) stay in the L1 cache while it is scanned. */
const BLOCK_SHIFT = 10
export const BLOCK = 1 << BLOCK_SHIFT
const BLOCK_MASK = BLOCK - 1

/**
 * Row storage shared by every snapshot of one segment (see VectorSegment). Unit vectors are kept dimension-major
 * in blocks of BLOCK rows: component d of the row at offset o in its block is at `d * stride + o`, where `stride`
 * is the block's row capacity (BLOCK, except for a first block still growing towards it). A search then adds
 * `q[d] · column d` into a block of scores for each nonzero q[d] only, streaming through contiguous memory;
 * a query's zero components cost nothing. Payloads sit in parallel arrays.
 *
 * Rows are only appended, never rewritten; a row that stops being live records the epoch at which it did, so a
 * snapshot taken before still sees it.
 */
export class VectorSlab<Head> {
  readonly blocks: Array<Float32Array> = []
  removedAt: Float64Array
  readonly ids: Array<string> = []
  readonly payloads: Array<Payload> = []
  readonly kinds: Array<string> = []
  readonly documents: Array<string | undefined> = []
  readonly leads: Array<string | undefined> = []
  rows = 0
  /** The newest snapshot: the only one that may append. */
  head: Head | undefined = undefined

  constructor(
    readonly dimension: number,
    capacity: number
  ) {
    this.removedAt = new Float64Array(Math.max(16, capacity)).fill(Number.POSITIVE_INFINITY)
  }

  /** Makes room for `rows` rows. */
  reserve(rows: number) {
    if (rows > this.removedAt.length) {
      const removedAt = new Float64Array(Math.max(rows, this.removedAt.length * 2)).fill(Number.POSITIVE_INFINITY)
      removedAt.set(this.removedAt)
      this.removedAt = removedAt
    }
    const dimension = this.dimension
    for (let b = 0; b * BLOCK < rows; b++) {
      const needed = Math.min(BLOCK, rows - b * BLOCK)
      const block = this.blocks[b]
      const stride = block === undefined ? 0 : block.length / dimension
      if (stride >= needed) continue
      const grown = Math.min(BLOCK, Math.max(needed, 2 * stride, 16))
      const next = new Float32Array(grown * dimension)
      if (block !== undefined) {
        for (let d = 0; d < dimension; d++) next.set(block.subarray(d * stride, (d + 1) * stride), d * grown)
      }
      this.blocks[b] = next
    }
  }

  /** Appends a row (vector normalized to unit length; a zero vector stays zero) and returns its number. */
  append(id: string, vector: ArrayLike<number>, payload: Payload): number {
    const row = this.rows++
    this.reserve(this.rows)
    let norm = 0
    for (let i = 0; i < vector.length; i++) norm += vector[i]! * vector[i]!
    const scale = norm === 0 ? 0 : 1 / Math.sqrt(norm)
    const block = this.blocks[row >> BLOCK_SHIFT]!
    const stride = block.length / this.dimension
    const offset = row & BLOCK_MASK
    for (let d = 0; d < this.dimension; d++) block[d * stride + offset] = vector[d]! * scale
    this.ids[row] = id
    this.payloads[row] = payload
    this.kinds[row] = payload.kind
    this.documents[row] = payload.documentId
    this.leads[row] = payload.leadId
    return row
  }

  /** The stored (unit) vector of a row. */
  vector(row: number): Float32Array {
    const block = this.blocks[row >> BLOCK_SHIFT]!
    const stride = block.length / this.dimension
    const offset = row & BLOCK_MASK
    const out = new Float32Array(this.dimension)
    for (let d = 0; d < this.dimension; d++) out[d] = block[d * stride + offset]!
    return out
  }

  /** Σ weights[j] · row[at[j]]: one row's score, for a query given by its nonzero components. */
  score(row: number, query: Query): number {
    const block = this.blocks[row >> BLOCK_SHIFT]!
    const stride = block.length / this.dimension
    const offset = row & BLOCK_MASK
    const { at, weights } = query
    let s = 0
    for (let j = 0; j < at.length; j++) s += weights[j]! * block[at[j]! * stride + offset]!
    return s
  }

  /** Writes the scores of rows `first` to `first + count - 1` (all in one block) into `out[0..count)`. */
  scoreBlock(first: number, count: number, query: Query, out: Float64Array) {
    const block = this.blocks[first >> BLOCK_SHIFT]!
    accumulate(block, block.length / this.dimension, first & BLOCK_MASK, count, query, out)
  }
}

/** A query vector by its nonzero components: indices `at` and their values `weights`. */
export interface Query {
  readonly at: Int32Array
  readonly weights: Float64Array
}

/** The unit vector of `v` by its nonzero components (single-precision values, as rows are stored). */
export const queryOf = (v: ArrayLike<number>): Query => {
  let norm = 0
  for (let i = 0; i < v.length; i++) norm += v[i]! * v[i]!
  const scale = norm === 0 ? 0 : 1 / Math.sqrt(norm)
  let count = 0
  for (let i = 0; i < v.length; i++) if (Math.fround(v[i]! * scale) !== 0) count++
  const at = new Int32Array(count)
  const weights = new Float64Array(count)
  for (let i = 0, j = 0; i < v.length; i++) {
    const w = Math.fround(v[i]! * scale)
    if (w !== 0) {
      at[j] = i
      weights[j++] = w
    }
  }
  return { at, weights }
}

/**
 * out[i] = Σ_j weights[j] · block[at[j] · stride + offset + i] for i < count. Eight columns per pass over the
 * scores, so each score is loaded and stored once per eight multiply-adds. Products of two single-precision
 * values are exact in double precision; only the sums round.
 */
const accumulate = (
  block: Float32Array,
  stride: number,
  offset: number,
  count: number,
  query: Query,
  out: Float64Array
) => {
  const { at, weights } = query
  const n = at.length
  out.fill(0, 0, count)
  let j = 0
  for (; j + 8 <= n; j += 8) {
    const c0 = at[j]! * stride + offset
    const c1 = at[j + 1]! * stride + offset
    const c2 = at[j + 2]! * stride + offset
    const c3 = at[j + 3]! * stride + offset
    const c4 = at[j + 4]! * stride + offset
    const c5 = at[j + 5]! * stride + offset
    const c6 = at[j + 6]! * stride + offset
    const c7 = at[j + 7]! * stride + offset
    const w0 = weights[j]!
    const w1 = weights[j + 1]!
    const w2 = weights[j + 2]!
    const w3 = weights[j + 3]!
    const w4 = weights[j + 4]!
    const w5 = weights[j + 5]!
    const w6 = weights[j + 6]!
    const w7 = weights[j + 7]!
    for (let i = 0; i < count; i++) {
      out[i] =
        out[i]! +
        w0 * block[c0 + i]! +
        w1 * block[c1 + i]! +
        w2 * block[c2 + i]! +
        w3 * block[c3 + i]! +
        w4 * block[c4 + i]! +
        w5 * block[c5 + i]! +
        w6 * block[c6 + i]! +
        w7 * block[c7 + i]!
    }
  }
  for (; j < n; j++) {
    const c = at[j]! * stride + offset
    const w = weights[j]!
    for (let i = 0; i < count; i++) out[i] = out[i]! + w * block[c + i]!
  }
}
