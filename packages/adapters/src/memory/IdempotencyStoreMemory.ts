import { type IdempotencyClaim, IdempotencyStore, type StoredResponse } from "@leadforge/domain"
import { Effect, Layer } from "effect"

interface Entry {
  readonly fingerprint: string
  /** Undefined while the first request runs. */
  response: StoredResponse | undefined
  readonly expiresAt: number
}

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000
const MAX_ENTRIES = 50_000

/** Records in this process's memory (the oldest is dropped past MAX_ENTRIES); also Redis's stand-in. */
export const makeIdempotencyStoreMemory = (): IdempotencyStore.Service => {
  const entries = new Map<string, Entry>()
  const claim = (key: string, fingerprint: string): Effect.Effect<IdempotencyClaim> =>
    Effect.sync(() => {
      const now = Date.now()
      const existing = entries.get(key)
      if (existing !== undefined && existing.expiresAt > now) {
        if (existing.fingerprint !== fingerprint) return { _tag: "Mismatch" } as const
        if (existing.response === undefined) return { _tag: "InProgress" } as const
        return { _tag: "Replay", response: existing.response } as const
      }
      const entry: Entry = { fingerprint, response: undefined, expiresAt: now + IDEMPOTENCY_TTL_MS }
      entries.set(key, entry)
      if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!)
      let settled = false
      return {
        _tag: "Fresh",
        complete: (result) =>
          Effect.sync(() => {
            if (settled) return
            settled = true
            // Only this claim's own entry: it may have been dropped (and the key claimed again) since.
            if (entries.get(key) !== entry) return
            if (result === null) entries.delete(key)
            else entry.response = result
          })
      } as const
    })
  return { claim }
}

export const IdempotencyStoreMemory = Layer.sync(IdempotencyStore, makeIdempotencyStoreMemory)
