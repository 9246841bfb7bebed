import type { HttpServerResponse } from "@effect/platform"
import { Context, Deferred, Effect, Layer } from "effect"

interface Entry {
  readonly fingerprint: string
  readonly response: Deferred.Deferred<HttpServerResponse.HttpServerResponse | null>
  readonly expiresAt: number
}

export type Claim =
  | {
      readonly _tag: "Fresh"
      readonly complete: (response: HttpServerResponse.HttpServerResponse | null) => Effect.Effect<void>
    }
  | { readonly _tag: "Replay"; readonly response: HttpServerResponse.HttpServerResponse }
  | { readonly _tag: "Mismatch" }

/**
 * Idempotency-Key records: the first request with a key runs; a retry with the same body waits for and
 * gets the first response; the same key with another body is refused. In memory for 24 hours.
 */
export class IdempotencyStore extends Context.Tag("@leadforge/http/IdempotencyStore")<
  IdempotencyStore,
  { readonly claim: (key: string, fingerprint: string) => Effect.Effect<Claim> }
>() {}

const TTL_MS = 24 * 60 * 60 * 1000
const MAX_ENTRIES = 50_000

export const IdempotencyStoreMemory = Layer.sync(IdempotencyStore, () => {
  const entries = new Map<string, Entry>()
  const claim = (key: string, fingerprint: string): Effect.Effect<Claim> =>
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
      const response = yield* Deferred.make<HttpServerResponse.HttpServerResponse | null>()
      entries.set(key, { fingerprint, response, expiresAt: now + TTL_MS })
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
})
