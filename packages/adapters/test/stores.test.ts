import { IdempotencyStoreMemory, makeIdempotencyStoreMemory, RateLimitStoreMemory } from "@leadforge/adapters/memory"
import { IdempotencyStoreRedis, RateLimitStoreRedis } from "@leadforge/adapters/redis"
import { IdempotencyStore, RateLimitStore } from "@leadforge/domain"
import { Context, Effect, Exit, Layer, Redacted, Scope } from "effect"
import { Redis } from "ioredis"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { bodyOf, idempotencyStoreContract, rateLimitStoreContract, text, unique } from "./contract/stores.contract.js"

/** The local Redis (CI and this machine run one). */
const REDIS_URL = "redis://127.0.0.1:6379"
/** This suite's own keys, removed at the end. */
const keyPrefix = `leadforge-test-${crypto.randomUUID()}:`

const scope = Effect.runSync(Scope.make())
const redis = new Redis(REDIS_URL, { lazyConnect: true })
beforeAll(() => redis.connect())
afterAll(async () => {
  await Effect.runPromise(Scope.close(scope, Exit.void))
  const keys = await redis.keys(`${keyPrefix}*`)
  if (keys.length > 0) await redis.del(...keys)
  await redis.quit()
})

const build = <I, S>(tag: Context.Tag<I, S>, layer: Layer.Layer<I>) =>
  Effect.runPromise(Layer.buildWithScope(layer, scope).pipe(Effect.map((context) => Context.get(context, tag))))

const redisIdempotency = (url = REDIS_URL) =>
  build(IdempotencyStore, IdempotencyStoreRedis({ url: Redacted.make(url), keyPrefix }))

idempotencyStoreContract("memory", async () => {
  const store = makeIdempotencyStoreMemory()
  return [store, store] as const
})
idempotencyStoreContract("memory layer", async () => {
  const store = await build(IdempotencyStore, IdempotencyStoreMemory)
  return [store, store] as const
})
idempotencyStoreContract("Redis, two connections", async () => [await redisIdempotency(), await redisIdempotency()])

rateLimitStoreContract("memory", () => build(RateLimitStore, RateLimitStoreMemory({ capacity: 3, refillPerSecond: 1 })))
rateLimitStoreContract("Redis", () =>
  build(
    RateLimitStore,
    RateLimitStoreRedis({ capacity: 3, refillPerSecond: 1, url: Redacted.make(REDIS_URL), keyPrefix })
  )
)

describe("IdempotencyStoreRedis", () => {
  const claim = (s: IdempotencyStore.Service, key: string, fingerprint = "f1") =>
    Effect.runPromise(s.claim(key, fingerprint))

  it("a claim that lapsed cannot complete over the request that took the key after it", async () => {
    const [first, second] = [await redisIdempotency(), await redisIdempotency()]
    const key = unique()
    const late = await claim(first, key)
    expect(late._tag).toBe("Fresh")
    // the first request ran past its claim (or its process died): the key is free again
    await redis.del(`${keyPrefix}idempotency:${key}`)
    const retry = await claim(second, key)
    expect(retry._tag).toBe("Fresh")
    if (late._tag !== "Fresh" || retry._tag !== "Fresh") return
    await Effect.runPromise(late.complete(text("late", 201)))
    await Effect.runPromise(retry.complete(text("retry", 201)))
    const replay = await claim(first, key)
    expect(replay._tag).toBe("Replay")
    if (replay._tag !== "Replay") return
    expect(replay.response.status).toBe(201)
    expect(bodyOf(replay.response)).toBe("retry")
  })

  it("keeps its keys under its prefix", async () => {
    const store = await redisIdempotency()
    const key = unique()
    const fresh = await claim(store, key)
    if (fresh._tag !== "Fresh") throw new Error("expected a fresh claim")
    expect(await redis.exists(`${keyPrefix}idempotency:${key}`)).toBe(1)
    expect(await redis.exists(`leadforge:idempotency:${key}`)).toBe(0)
    await Effect.runPromise(fresh.complete(null))
  })

  it("falls back to the process's memory when Redis does not answer", async () => {
    const down = Effect.runSync(Scope.make())
    const s = await Effect.runPromise(
      Layer.buildWithScope(IdempotencyStoreRedis({ url: Redacted.make("redis://127.0.0.1:1"), keyPrefix }), down).pipe(
        Effect.map((context) => Context.get(context, IdempotencyStore))
      )
    )
    const key = unique()
    const fresh = await claim(s, key)
    if (fresh._tag !== "Fresh") throw new Error("expected a fresh claim")
    await Effect.runPromise(fresh.complete(text("kept", 201)))
    expect((await claim(s, key))._tag).toBe("Replay")
    await Effect.runPromise(Scope.close(down, Exit.void))
  }, 20_000)
})

describe("RateLimitStoreRedis", () => {
  it("lets requests through when Redis does not answer", async () => {
    const down = Effect.runSync(Scope.make())
    const store = await Effect.runPromise(
      Layer.buildWithScope(
        RateLimitStoreRedis({ capacity: 1, refillPerSecond: 1, url: Redacted.make("redis://127.0.0.1:1"), keyPrefix }),
        down
      ).pipe(Effect.map((context) => Context.get(context, RateLimitStore)))
    )
    const key = unique()
    expect((await Effect.runPromise(store.take(key))).allowed).toBe(true)
    expect((await Effect.runPromise(store.take(key))).allowed).toBe(true)
    await Effect.runPromise(Scope.close(down, Exit.void))
  }, 20_000)
})
