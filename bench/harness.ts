/**
 * A tiny throughput harness: runs `fn` in a warm loop for about `ms` milliseconds, several rounds,
 * and reports the median rate. Benchmarks print ratios against a baseline measured in the same run.
 */
export interface Rate {
  readonly name: string
  readonly opsPerSecond: number
  readonly rounds: ReadonlyArray<number>
}

export const measure = (name: string, fn: (i: number) => unknown, options: { ms?: number; rounds?: number } = {}) => {
  const ms = options.ms ?? 1_000
  const rounds = options.rounds ?? 5
  let sink: unknown
  for (let i = 0; i < 10_000; i++) sink = fn(i)
  const rates: Array<number> = []
  for (let round = 0; round < rounds; round++) {
    let ops = 0
    const start = performance.now()
    let elapsed = 0
    while (elapsed < ms) {
      for (let j = 0; j < 1_000; j++) sink = fn(ops + j)
      ops += 1_000
      elapsed = performance.now() - start
    }
    rates.push((ops / elapsed) * 1_000)
  }
  if (sink === Symbol.for("never")) console.log(sink)
  const sorted = [...rates].sort((a, b) => a - b)
  return { name, opsPerSecond: sorted[Math.floor(sorted.length / 2)]!, rounds: rates } satisfies Rate
}

export const formatRate = (rate: number) =>
  rate >= 1_000_000 ? `${(rate / 1_000_000).toFixed(2)}M/s` : `${(rate / 1_000).toFixed(1)}k/s`

export const report = (rate: Rate, target?: number) => {
  const verdict = target === undefined ? "" : rate.opsPerSecond >= target ? "  (meets target)" : "  (BELOW target)"
  console.log(`${rate.name.padEnd(48)} ${formatRate(rate.opsPerSecond).padStart(10)}${verdict}`)
}

/** Prints `rate` beside a baseline measured in the same run, as a ratio. */
export const compare = (rate: Rate, baseline: Rate, target?: number) => {
  const ratio = rate.opsPerSecond / baseline.opsPerSecond
  report(baseline)
  report(rate, target)
  console.log(`${"ratio".padEnd(48)} ${`${ratio.toFixed(2)}×`.padStart(10)}`)
  return ratio
}
