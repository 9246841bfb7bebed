import { Effect } from "effect"

/** At most `permits` effects at a time per key (e.g. per organization); keys are independent. */
export interface KeyedSemaphore {
  readonly withPermit: (key: string) => <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
}

export const makeKeyedSemaphore = (permits: number): Effect.Effect<KeyedSemaphore> =>
  Effect.sync(() => {
    const semaphores = new Map<string, Effect.Semaphore>()
    const semaphoreFor = (key: string) => {
      let semaphore = semaphores.get(key)
      if (semaphore === undefined) {
        semaphore = Effect.unsafeMakeSemaphore(permits)
        semaphores.set(key, semaphore)
      }
      return semaphore
    }
    return {
      withPermit: (key) => (self) => Effect.suspend(() => semaphoreFor(key).withPermits(1)(self))
    }
  })
