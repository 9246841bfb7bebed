import { hash } from "node:crypto"

/**
 * The identities an import has seen, with the row each was first seen on, in typed arrays: a key is kept as 104 bits
 * of its SHA-256 (two distinct keys of a million-row file share them with a probability around 1e-19) in an
 * open-addressing table. About 40 bytes a row at most, outside the garbage-collected heap; a
 * Map of the key strings cost several times that and, with its garbage, grew a million-row import past 700 MB.
 */
export class SeenKeys {
  private high = new Float64Array(1 << 12)
  private low = new Float64Array(1 << 12)
  private rows = new Int32Array(1 << 12)
  private count = 0

  get size(): number {
    return this.count
  }

  /** The row `key` was first seen on, or undefined after recording `row` as its first. */
  firstRowOr(key: string, row: number): number | undefined {
    const [h1, h2] = hashes(key)
    const mask = this.high.length - 1
    // slot 0 of `rows` means empty: rows are stored plus one
    for (let slot = h1 & mask; ; slot = (slot + 1) & mask) {
      const stored = this.rows[slot]!
      if (stored === 0) {
        this.high[slot] = h1
        this.low[slot] = h2
        this.rows[slot] = row + 1
        if (++this.count * 2 > this.high.length) this.grow()
        return undefined
      }
      if (this.high[slot] === h1 && this.low[slot] === h2) return stored - 1
    }
  }

  private grow() {
    const { high, low, rows } = this
    this.high = new Float64Array(high.length * 2)
    this.low = new Float64Array(high.length * 2)
    this.rows = new Int32Array(high.length * 2)
    const mask = this.high.length - 1
    for (let i = 0; i < high.length; i++) {
      if (rows[i] === 0) continue
      let slot = high[i]! & mask
      while (this.rows[slot] !== 0) slot = (slot + 1) & mask
      this.high[slot] = high[i]!
      this.low[slot] = low[i]!
      this.rows[slot] = rows[i]!
    }
  }
}

/** Two 52-bit numbers from the key's SHA-256 (exact in a float64); OpenSSL's one-shot digest, a row at a time. */
const hashes = (text: string): readonly [number, number] => {
  const d = hash("sha256", text, "buffer")
  return [
    d.readUInt32BE(0) * 1_048_576 + (d.readUInt32BE(4) >>> 12),
    d.readUInt32BE(8) * 1_048_576 + (d.readUInt32BE(12) >>> 12)
  ]
}
