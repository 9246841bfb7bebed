import type { VectorPoint } from "@leadforge/domain"
import { makeScanKernel, type ScanKernel, UNROLL } from "./ScanKernel.js"

type Payload = VectorPoint["payload"]

/** Rows per block; a power of two. A block's scores (8 KiB of float64) stay in the L1 cache while it is scanned. */
const BLOCK_SHIFT = 10
export const BLOCK = 1 << BLOCK_SHIFT
const BLOCK_MASK = BLOCK - 1
const PAGE = 65_536

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
  /** Made with the first full block; null where WebAssembly SIMD is missing. */
  private kernel: ScanKernel | null | undefined = undefined

  constructor(
    readonly dimension: number,
    capacity: number
  ) {
    this.removedAt = new Float64Array(Math.max(16, capacity)).fill(Number.POSITIVE_INFINITY)
  }

  /** Makes room for `rows` rows. Only the first block grows; later ones are allocated whole. */
  reserve(rows: number) {
    if (rows > this.removedAt.length) {
      const removedAt = new Float64Array(Math.max(rows, this.removedAt.length * 2)).fill(Number.POSITIVE_INFINITY)
      removedAt.set(this.removedAt)
      this.removedAt = removedAt
    }
    const dimension = this.dimension
    for (let b = 0; b * BLOCK < rows; b++) {
      const block = this.blocks[b]
      const stride = block === undefined ? 0 : block.length / dimension
      if (stride === BLOCK || (b === 0 && stride >= rows)) continue
      const grown = b === 0 ? Math.min(BLOCK, Math.max(rows, 2 * stride, 16)) : BLOCK
      const next = grown === BLOCK ? this.fullBlock(b) : new Float32Array(grown * dimension)
      if (block !== undefined) {
        for (let d = 0; d < dimension; d++) next.set(block.subarray(d * stride, (d + 1) * stride), d * grown)
      }
      this.blocks[b] = next
    }
  }

  /**
   * Block `b` at its full size: in the scan kernel's memory, when there is one (grown as needed; growing
   * detaches the views of the blocks already there, so they are made again), else a Float32Array of its own.
   */
  private fullBlock(b: number): Float32Array {
    const blockBytes = BLOCK * this.dimension * 4
    if (this.kernel === undefined) this.kernel = makeScanKernel() ?? null
    if (this.kernel === null) return new Float32Array(blockBytes / 4)
    const memory = this.kernel.memory
    const end = scratchBytes(this.dimension) + (b + 1) * blockBytes
    if (end > memory.buffer.byteLength) {
      const before = memory.buffer
      const pages = before.byteLength / PAGE
      // at least double, so appending stays amortized linear; 65,536 pages (4 GiB) is WebAssembly's limit
      try {
        memory.grow(Math.max(Math.ceil(end / PAGE) - pages, Math.min(pages, 65_536 - pages)))
      } catch {
        // past the limit, this block and the next stay in JavaScript (scanned there, exactly)
        return new Float32Array(blockBytes / 4)
      }
      for (let i = 0; i < this.blocks.length; i++) if (this.blocks[i]!.buffer === before) this.blocks[i] = this.view(i)
    }
    return this.view(b)
  }

  private view(b: number): Float32Array {
    const blockBytes = BLOCK * this.dimension * 4
    return new Float32Array(this.kernel!.memory.buffer, scratchBytes(this.dimension) + b * blockBytes, blockBytes / 4)
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

  /** Whether `approximateBlock` can score the block holding `row` (a full block in the kernel's memory). */
  approximates(row: number): boolean {
    return this.kernel != null && this.blocks[row >> BLOCK_SHIFT]!.buffer === this.kernel.memory.buffer
  }

  /** Loads a query's columns and weights into the kernel's scratch area, for `approximateBlock`. */
  prepare(query: Query) {
    const memory = this.kernel!.memory.buffer
    const padded = paddedDimension(this.dimension)
    const columns = new Int32Array(memory, BLOCK * 4, padded)
    const weights = new Float32Array(memory, BLOCK * 4 + padded * 4, padded)
    const n = query.at.length
    for (let j = 0; j < n; j++) {
      columns[j] = query.at[j]! * BLOCK * 4
      weights[j] = query.weights[j]!
    }
    // adding 0 · column 0 leaves every sum as it is
    columns.fill(0, n, paddedDimension(n))
    weights.fill(0, n, paddedDimension(n))
  }

  /**
   * The scores of rows `first` to `first + count - 1` (all in one full block) in single precision, each within
   * `query.error` of the exact score; valid until the next call. Needs `prepare(query)` first.
   */
  approximateBlock(first: number, count: number, query: Query): Float32Array {
    const kernel = this.kernel!
    const scores = new Float32Array(kernel.memory.buffer, 0, BLOCK)
    scores.fill(0)
    const block = scratchBytes(this.dimension) + (first >> BLOCK_SHIFT) * BLOCK * this.dimension * 4
    const padded = paddedDimension(this.dimension)
    const n = paddedDimension(query.at.length)
    kernel.accumulate(block, BLOCK * 4, BLOCK * 4 + padded * 4, n, 0, Math.ceil(count / 4) * 16)
    return scores
  }
}

const paddedDimension = (n: number) => Math.ceil(n / UNROLL) * UNROLL

/** The kernel memory's scratch area: a block's scores, then a query's columns and weights. */
const scratchBytes = (dimension: number) => Math.ceil((BLOCK * 4 + paddedDimension(dimension) * 8) / 64) * 64

/** A query vector by its nonzero components: indices `at` and their values `weights`. */
export interface Query {
  readonly at: Int32Array
  readonly weights: Float64Array
  /**
   * A bound on the difference between a single-precision score and the double-precision one: a dot product of n
   * terms summed in order is within γn·Σ|q_j·x_j| ≤ γn·‖q‖·‖x‖ of the exact value, γn = nu/(1 − nu), u = 2⁻²⁴
   * (Higham, Accuracy and Stability of Numerical Algorithms, §3.1); ‖x‖ ≤ 1 for a stored unit vector, give or
   * take its own rounding; a margin covers underflow, and the double-precision sum's own rounding is added.
   */
  readonly error: number
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
  let weightNorm = 0
  for (let j = 0; j < count; j++) weightNorm += weights[j]! * weights[j]!
  const nu = count * 2 ** -24
  const single = (nu / (1 - nu)) * Math.sqrt(weightNorm) * 1.001 + count * 2 ** -126
  // the double-precision score it is compared with rounds too, by far less
  const double = count * 2 ** -52 * Math.sqrt(weightNorm) * 1.001
  return { at, weights, error: (single + double) * 1.01 }
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
