import { Effect } from "effect"

export interface BatchSizing {
  /** Items in the first batch. */
  readonly initial: number
  readonly min: number
  readonly max: number
  /** How long one batch should take; the next batch is sized from how long the last one took. */
  readonly targetMs: number
}

/**
 * Writes `items` in consecutive batches sized so that each takes about `targetMs`: a statement on a database that
 * runs in this thread (PGlite) keeps the thread for its whole run, so a long write is cut into statements short
 * enough for the event loop to get turns between them; where statements are cheap the batches grow to `max`.
 */
export const inTimedBatches = <A, E, R>(
  items: ReadonlyArray<A>,
  sizing: BatchSizing,
  write: (batch: ReadonlyArray<A>) => Effect.Effect<void, E, R>
): Effect.Effect<void, E, R> =>
  Effect.gen(function* () {
    let size = sizing.initial
    for (let i = 0; i < items.length; ) {
      const batch = items.slice(i, i + size)
      const started = performance.now()
      yield* write(batch)
      const perItem = (performance.now() - started) / batch.length
      i += batch.length
      // at most double per step, so one fast batch cannot make the next one long
      const next = perItem > 0 ? Math.floor(sizing.targetMs / perItem) : size * 2
      size = Math.max(sizing.min, Math.min(sizing.max, size * 2, next))
    }
  })
