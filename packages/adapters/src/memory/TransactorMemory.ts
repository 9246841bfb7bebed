import { Transactor } from "@leadforge/domain"
import { Effect, Exit, FiberRef, Layer, Ref } from "effect"
import { MemoryStore } from "./MemoryStore.js"
import { traced } from "./traced.js"

const inTransaction = FiberRef.unsafeMake(false)

/**
 * A real transaction over the memory store: one at a time (a semaphore), a snapshot of every table
 * taken at the start and restored when the effect fails or is interrupted. Nested calls join the
 * outer transaction. Writes outside any transaction are not isolated from it, as with autocommit.
 */
export const TransactorMemory: Layer.Layer<Transactor, never, MemoryStore> = Layer.effect(
  Transactor,
  Effect.gen(function* () {
    const { tables } = yield* MemoryStore
    const txLock = yield* Effect.makeSemaphore(1)
    return Transactor.of(
      traced("TransactorMemory", {
        withTransaction: (effect) =>
          Effect.flatMap(FiberRef.get(inTransaction), (nested) =>
            nested
              ? effect
              : txLock.withPermits(1)(
                  Effect.uninterruptibleMask((restore) =>
                    Effect.gen(function* () {
                      const snapshot = yield* Ref.get(tables)
                      const exit = yield* restore(Effect.locally(effect, inTransaction, true)).pipe(Effect.exit)
                      if (Exit.isFailure(exit)) yield* Ref.set(tables, snapshot)
                      return yield* exit
                    })
                  )
                )
          )
      })
    )
  })
)
