import { setFlagsFromString } from "node:v8"
import { Effect } from "effect"

/**
 * How far V8 lets the old generation grow past what its last full collection kept, in percent, while an import or
 * an export runs. Both keep little alive (≈ 50 MB: the loaded modules and the few batches or pages in flight) and
 * allocate fast, and V8's default policy on a machine with memory to spare lets the heap grow to four times the live
 * set before collecting it: a million-row import peaked at 380–530 MB of RSS, most of it garbage. At 1.5× the heap
 * stays near 100 MB; the price is more frequent full collections of a small heap (measured in BENCHMARKS.md,
 * "Import").
 */
export const BULK_HEAP_GROWING_PERCENT = 50

/**
 * Runs `effect` with V8's heap growing factor fixed at 1 + percent/100, and gives V8 back its own dynamic factor
 * (`0`) afterwards. V8 reads the flag each time it sizes the heap after a full collection, so setting it at run time
 * takes effect (unlike the heap's size limits, which are fixed when the process starts).
 */
export const withHeapGrowingPercent =
  (percent: number) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.acquireUseRelease(
      Effect.sync(() => setFlagsFromString(`--heap-growing-percent=${percent}`)),
      () => effect,
      () => Effect.sync(() => setFlagsFromString("--heap-growing-percent=0"))
    )
