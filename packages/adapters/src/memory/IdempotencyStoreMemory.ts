import { type IdempotencyClaim, IdempotencyStore, type StoredResponse } from "@leadforge/domain"
import { Deferred, Effect, Layer } from "effect"

interface Entry {
  readonly fingerprint: string
  readonly response: Deferred.Deferred<StoredResponse | null>
  readonly expiresAt: number
}

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000
const MAX_ENTRIES = 50_000

/** Records in this process's memory (the oldest is dropped past MAX_ENTRIES); also Redis's stand-in. */
export const makeIdempotencyStoreMemory = (): IdempotencyStore.Service => {
  const entries = new Map<string, Entry>()
  const claim = (key: string, fingerprint: string): Effect.Effect<IdempotencyClaim> =>
    Effect.gen(function* () {
      const now = Date.now()
      const existing = entries.get(key)
      if (existing !== undefined && existing.expiresAt > now) {
        if (existing.fingerprint !== fingerprint) return { _tag: "Mismatch" } as const
        const response = yield* Deferred.await(existing.response)
        // The first attempt failed without a response worth keeping: this one runs afresh.
        if (response === null) return yield* claim(key, fingerprint)
        return { _tag: "Replay", response } as const
      }
      const response = yield* Deferred.make<StoredResponse | null>()
      entries.set(key, { fingerprint, response, expiresAt: now + IDEMPOTENCY_TTL_MS })
      if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!)
      return {
        _tag: "Fresh",
        complete: (result) =>
          Effect.gen(function* () {
            const first = yield* Deferred.succeed(response, result)
            if (first && result === null) entries.delete(key)
          })
      } as const
    })
  return { claim }
}

export const IdempotencyStoreMemory = Layer.sync(IdempotencyStore, makeIdempotencyStoreMemory)
