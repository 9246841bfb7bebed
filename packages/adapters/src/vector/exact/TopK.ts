/** A bounded min-heap of (score, row): the root is the worst kept hit; ties rank by id, smaller first. */
export class TopK {
  private readonly scores: Float64Array
  private readonly rows: Int32Array
  private size = 0

  constructor(
    readonly k: number,
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

  /** The score a hit must reach to be kept: the worst kept score once k are kept, else -Infinity. */
  floor(): number {
    return this.size === this.k && this.k > 0 ? this.scores[0]! : Number.NEGATIVE_INFINITY
  }

  /** The kept hits, best first. */
  sorted(): Array<{ readonly row: number; readonly score: number }> {
    const hits = Array.from({ length: this.size }, (_, i) => ({ row: this.rows[i]!, score: this.scores[i]! }))
    return hits.sort((a, b) => (this.worse(a.score, a.row, b.score, b.row) ? 1 : -1))
  }
}
