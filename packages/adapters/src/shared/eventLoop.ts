import { Effect } from "effect"

/**
 * Work that runs on this thread and keeps it (PGlite's WebAssembly, the hashing embedder) shares one budget: once
 * pieces of it have kept the thread this long without the event loop getting a turn, the next piece waits for one.
 * A resolved promise or an Effect yield is a microtask, which never lets I/O in: without this, the statements of a
 * large write ran back to back and no other request (not even /health) was answered until the last one ended.
 */
export const SLICE_MS = 20

let busyMs = 0
let watching = false

/** Resets the budget when the event loop gets a turn on its own (the immediate runs only after the I/O phase). */
const watchForTurn = () => {
  if (watching) return
  watching = true
  setImmediate(() => {
    busyMs = 0
    watching = false
  })
}

/** One turn of the event loop (timers and I/O callbacks run before the fiber resumes). */
const turn = Effect.async<void>((resume) => {
  const handle = setImmediate(() => resume(Effect.void))
  return Effect.sync(() => clearImmediate(handle))
})

/**
 * Runs `effect` as one piece of thread-keeping work: first a turn of the event loop if the budget is spent, then the
 * effect, whose wall time is charged to the budget.
 */
export const slice = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.suspend(() => {
    const run = Effect.suspend(() => {
      const started = performance.now()
      return Effect.ensuring(
        effect,
        Effect.sync(() => {
          busyMs += performance.now() - started
          watchForTurn()
        })
      )
    })
    return busyMs >= SLICE_MS ? Effect.zipRight(turn, run) : run
  })
