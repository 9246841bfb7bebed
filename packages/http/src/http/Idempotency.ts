import { randomUUID } from "node:crypto"
import { HttpServerResponse } from "@effect/platform"
import { Context, Deferred, Effect, Layer, Option, type Redacted } from "effect"
import { connectRedis } from "./Redis.js"

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
 * gets the first response; the same key with another body is refused. Kept for 24 hours, in this process's memory
 * or, with REDIS_URL, in Redis, where every server process sees them.
 */
export class IdempotencyStore extends Context.Tag("@leadforge/http/IdempotencyStore")<
  IdempotencyStore,
  { readonly claim: (key: string, fingerprint: string) => Effect.Effect<Claim> }
>() {}

const TTL_MS = 24 * 60 * 60 * 1000
const MAX_ENTRIES = 50_000

const makeMemoryStore = () => {
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
}

export const IdempotencyStoreMemory = Layer.sync(IdempotencyStore, makeMemoryStore)

/** How long a first request holds its key while it runs: if its process dies, a retry may run after this. */
const PENDING_MS = 60_000
const POLL = "50 millis"

/** A response as Redis keeps it; only responses with their whole body in memory are kept (all of the API's). */
interface StoredResponse {
  readonly status: number
  readonly headers: Record<string, string>
  readonly contentType: string | null
  readonly body: string | null
}

const stored = (response: HttpServerResponse.HttpServerResponse): StoredResponse | null => {
  const body = response.body
  if (body._tag === "Empty")
    return { status: response.status, headers: { ...response.headers }, contentType: null, body: null }
  if (body._tag !== "Uint8Array") return null
  return {
    status: response.status,
    headers: { ...response.headers },
    contentType: body.contentType,
    body: Buffer.from(body.body).toString("base64")
  }
}

const rebuilt = (response: StoredResponse): HttpServerResponse.HttpServerResponse =>
  response.body === null
    ? HttpServerResponse.empty({ status: response.status, headers: response.headers })
    : HttpServerResponse.uint8Array(Buffer.from(response.body, "base64"), {
        status: response.status,
        headers: response.headers,
        ...(response.contentType === null ? {} : { contentType: response.contentType })
      })

/**
 * A record is `token\nfingerprint\n` and, once the first request has finished, its response as JSON. The token
 * names the request that claimed the key, so a request whose claim lapsed (it ran past PENDING_MS) can neither
 * complete nor release a claim a retry has taken since.
 */
const COMPLETE_SCRIPT = `
local v = redis.call('GET', KEYS[1])
if not v or string.sub(v, 1, #ARGV[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
return 1
`

/**
 * Records in Redis, shared by every server process: the first request with a key claims it (SET NX, for
 * PENDING_MS), a retry meanwhile waits for the first response, and the response is kept for 24 hours. If Redis does
 * not answer, the process's own memory stands in (and a warning is logged), so requests are never refused for it.
 */
export const IdempotencyStoreRedis = (url: Redacted.Redacted) =>
  Layer.scoped(
    IdempotencyStore,
    Effect.gen(function* () {
      const redis = yield* connectRedis(url, "idempotency keys")
      const memory = makeMemoryStore()
      const redisCall = <A>(call: () => Promise<A>) => Effect.tryPromise(call).pipe(Effect.timeout("500 millis"))

      /** The first call settles the claim (the response, or null when it failed); later calls change nothing. */
      const complete = (name: string, token: string, fingerprint: string) => {
        let settled = false
        return (response: HttpServerResponse.HttpServerResponse | null) => {
          if (settled) return Effect.void
          settled = true
          const kept = response === null ? null : stored(response)
          const value = kept === null ? "" : `${token}\n${fingerprint}\n${JSON.stringify(kept)}`
          return redisCall(() => redis.eval(COMPLETE_SCRIPT, 1, name, `${token}\n`, value, String(TTL_MS))).pipe(
            Effect.asVoid,
            Effect.catchAll((error) =>
              Effect.logWarning("could not record an idempotent response in Redis", String(error))
            )
          )
        }
      }

      const claimIn = (key: string, fingerprint: string): Effect.Effect<Claim, unknown> =>
        Effect.gen(function* () {
          const name = `leadforge:idempotency:${key}`
          const token = randomUUID()
          const taken = yield* redisCall(() => redis.set(name, `${token}\n${fingerprint}\n`, "PX", PENDING_MS, "NX"))
          if (taken === "OK") return { _tag: "Fresh", complete: complete(name, token, fingerprint) } as const
          const record = yield* redisCall(() => redis.get(name))
          // gone since (released by a failed first attempt, or expired): claim again
          if (record === null) return yield* claimIn(key, fingerprint)
          const [, storedFingerprint, response = ""] = record.split("\n", 3)
          if (storedFingerprint !== fingerprint) return { _tag: "Mismatch" } as const
          if (response !== "")
            return { _tag: "Replay", response: rebuilt(JSON.parse(response) as StoredResponse) } as const
          // the first request is still running (here or in another process): wait for its response
          yield* Effect.sleep(POLL)
          return yield* claimIn(key, fingerprint)
        })

      return {
        claim: (key, fingerprint) =>
          claimIn(key, fingerprint).pipe(
            Effect.catchAll((error) =>
              Effect.logWarning("idempotency keys: Redis unavailable, using this process's memory", String(error)).pipe(
                Effect.zipRight(memory.claim(key, fingerprint))
              )
            )
          )
      }
    })
  )

export const idempotencyStoreLayer = (redisUrl: Option.Option<Redacted.Redacted>) =>
  Option.match(redisUrl, { onNone: () => IdempotencyStoreMemory, onSome: IdempotencyStoreRedis })
