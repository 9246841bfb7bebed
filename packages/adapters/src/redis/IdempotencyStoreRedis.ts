import { randomUUID } from "node:crypto"
import { type IdempotencyClaim, IdempotencyStore, type StoredResponse } from "@leadforge/domain"
import { Effect, Layer, type Redacted } from "effect"
import { IDEMPOTENCY_TTL_MS, makeIdempotencyStoreMemory } from "../memory/IdempotencyStoreMemory.js"
import { connectRedis, DEFAULT_KEY_PREFIX } from "./connect.js"

/** How long a first request holds its key while it runs: if its process dies, a retry may run after this. */
const PENDING_MS = 60_000

/** A response as JSON in Redis: the body in base64. */
interface Encoded {
  readonly status: number
  readonly headers: Record<string, string>
  readonly contentType: string | null
  readonly body: string | null
}

const encode = (response: StoredResponse): Encoded => ({
  status: response.status,
  headers: { ...response.headers },
  contentType: response.contentType,
  body: response.body === null ? null : Buffer.from(response.body).toString("base64")
})

const decode = (encoded: Encoded): StoredResponse => ({
  status: encoded.status,
  headers: encoded.headers,
  contentType: encoded.contentType,
  body: encoded.body === null ? null : new Uint8Array(Buffer.from(encoded.body, "base64"))
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

export interface IdempotencyStoreRedisOptions {
  readonly url: Redacted.Redacted
  /** Prefix of every key (default `leadforge:`); the records live under `<prefix>idempotency:`. */
  readonly keyPrefix?: string | undefined
}

/**
 * Records in Redis, shared by every server process: the first request with a key claims it (SET NX, for
 * PENDING_MS), a retry meanwhile is told it is in progress, and the response is kept for 24 hours. If Redis does
 * not answer, the process's own memory stands in (and a warning is logged), so requests are never refused for it.
 */
export const IdempotencyStoreRedis = (options: IdempotencyStoreRedisOptions) =>
  Layer.scoped(
    IdempotencyStore,
    Effect.gen(function* () {
      const redis = yield* connectRedis(options.url, "idempotency keys")
      const prefix = `${options.keyPrefix ?? DEFAULT_KEY_PREFIX}idempotency:`
      const memory = makeIdempotencyStoreMemory()
      const redisCall = <A>(call: () => Promise<A>) => Effect.tryPromise(call).pipe(Effect.timeout("500 millis"))

      /** The first call settles the claim (the response, or null when it failed); later calls change nothing. */
      const complete = (name: string, token: string, fingerprint: string) => {
        let settled = false
        return (response: StoredResponse | null) => {
          if (settled) return Effect.void
          settled = true
          const value = response === null ? "" : `${token}\n${fingerprint}\n${JSON.stringify(encode(response))}`
          return redisCall(() =>
            redis.eval(COMPLETE_SCRIPT, 1, name, `${token}\n`, value, String(IDEMPOTENCY_TTL_MS))
          ).pipe(
            Effect.asVoid,
            Effect.catchAll((error) =>
              Effect.logWarning("could not record an idempotent response in Redis", String(error))
            )
          )
        }
      }

      const claimIn = (key: string, fingerprint: string): Effect.Effect<IdempotencyClaim, unknown> =>
        Effect.gen(function* () {
          const name = `${prefix}${key}`
          const token = randomUUID()
          const taken = yield* redisCall(() => redis.set(name, `${token}\n${fingerprint}\n`, "PX", PENDING_MS, "NX"))
          if (taken === "OK") return { _tag: "Fresh", complete: complete(name, token, fingerprint) } as const
          const record = yield* redisCall(() => redis.get(name))
          // gone since (released by a failed first attempt, or expired): claim again
          if (record === null) return yield* claimIn(key, fingerprint)
          const [, storedFingerprint, response = ""] = record.split("\n", 3)
          if (storedFingerprint !== fingerprint) return { _tag: "Mismatch" } as const
          if (response !== "") return { _tag: "Replay", response: decode(JSON.parse(response) as Encoded) } as const
          // the first request is still running (here or in another process)
          return { _tag: "InProgress" } as const
        })

      return IdempotencyStore.of({
        claim: (key, fingerprint) =>
          claimIn(key, fingerprint).pipe(
            Effect.catchAll((error) =>
              Effect.logWarning("idempotency keys: Redis unavailable, using this process's memory", String(error)).pipe(
                Effect.zipRight(memory.claim(key, fingerprint))
              )
            )
          )
      })
    })
  )
