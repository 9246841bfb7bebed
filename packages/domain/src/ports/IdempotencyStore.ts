import type { Effect } from "effect"
import { Context } from "effect"

/** A response as a store keeps it: only responses whose whole body is in memory are kept. */
export interface StoredResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly contentType: string | null
  readonly body: Uint8Array | null
}

export type IdempotencyClaim =
  | {
      readonly _tag: "Fresh"
      /** Settles the claim: the response to replay, or null when the request failed and a retry may run afresh. */
      readonly complete: (response: StoredResponse | null) => Effect.Effect<void>
    }
  | { readonly _tag: "Replay"; readonly response: StoredResponse }
  /** The first request with this key is still running: the retry is refused, not made to wait. */
  | { readonly _tag: "InProgress" }
  | { readonly _tag: "Mismatch" }

export declare namespace IdempotencyStore {
  export interface Service {
    /**
     * The first request with a key runs (Fresh); a retry with the same fingerprint gets the first response once
     * it is complete (Replay), and InProgress while the first still runs; the same key with another fingerprint is
     * refused (Mismatch). A claim settled with null is released: the next request runs afresh. Never fails: a store
     * that cannot answer falls back to the process's memory.
     */
    readonly claim: (key: string, fingerprint: string) => Effect.Effect<IdempotencyClaim>
  }
}

/** Idempotency-Key records, kept for 24 hours, in one process or shared by every server process. */
export class IdempotencyStore extends Context.Tag("@leadforge/domain/IdempotencyStore")<
  IdempotencyStore,
  IdempotencyStore.Service
>() {}
