import { HttpServerResponse } from "@effect/platform"
import { Effect, Exit, Layer, Redacted, Scope } from "effect"
import { Redis } from "ioredis"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { IdempotencyStore, IdempotencyStoreRedis } from "../src/http/Idempotency.js"

/** The local Redis (CI and this machine run one). */
const REDIS_URL = "redis://127.0.0.1:6379"
const unique = () => `test-${crypto.randomUUID()}`

describe("IdempotencyStoreRedis", () => {
  const scope = Effect.runSync(Scope.make())
  const redis = new Redis(REDIS_URL, { lazyConnect: true })
  const store = () =>
    Effect.runPromise(
      Layer.buildWithScope(IdempotencyStoreRedis(Redacted.make(REDIS_URL)), scope).pipe(
        Effect.map((context) => context.unsafeMap.get(IdempotencyStore.key) as IdempotencyStore["Type"])
      )
    )
  beforeAll(() => redis.connect())
  afterAll(async () => {
    await Effect.runPromise(Scope.close(scope, Exit.void))
    await redis.quit()
  })

  const claim = (s: IdempotencyStore["Type"], key: string, fingerprint = "f1") =>
    Effect.runPromise(s.claim(key, fingerprint))

  it("a claim that lapsed cannot complete over the request that took the key after it", async () => {
    const [first, second] = [await store(), await store()]
    const key = unique()
    const late = await claim(first, key)
    expect(late._tag).toBe("Fresh")
    // the first request ran past its claim (or its process died): the key is free again
    await redis.del(`leadforge:idempotency:${key}`)
    const retry = await claim(second, key)
    expect(retry._tag).toBe("Fresh")
    if (late._tag !== "Fresh" || retry._tag !== "Fresh") return
    await Effect.runPromise(late.complete(HttpServerResponse.text("late", { status: 201 })))
    await Effect.runPromise(retry.complete(HttpServerResponse.text("retry", { status: 201 })))
    const replay = await claim(first, key)
    expect(replay._tag).toBe("Replay")
    if (replay._tag !== "Replay") return
    expect(replay.response.status).toBe(201)
    expect(replay.response.body._tag === "Uint8Array" && new TextDecoder().decode(replay.response.body.body)).toBe(
      "retry"
    )
  })

  it("a retry waits while the first request runs, then gets its response; a release lets it run afresh", async () => {
    const [first, second] = [await store(), await store()]
    const key = unique()
    const running = await claim(first, key)
    if (running._tag !== "Fresh") throw new Error("expected a fresh claim")
    const waiting = claim(second, key)
    await new Promise((resolve) => setTimeout(resolve, 200))
    await Effect.runPromise(running.complete(HttpServerResponse.empty({ status: 204, headers: { etag: '"3"' } })))
    const replay = await waiting
    expect(replay._tag === "Replay" && [replay.response.status, replay.response.headers.etag]).toEqual([204, '"3"'])

    const released = unique()
    const failed = await claim(first, released)
    if (failed._tag !== "Fresh") throw new Error("expected a fresh claim")
    const next = claim(second, released)
    await Effect.runPromise(failed.complete(null))
    expect((await next)._tag).toBe("Fresh")
    expect((await claim(first, released, "other body"))._tag).toBe("Mismatch")
  })

  it("falls back to the process's memory when Redis does not answer", async () => {
    const down = Effect.runSync(Scope.make())
    const s = await Effect.runPromise(
      Layer.buildWithScope(IdempotencyStoreRedis(Redacted.make("redis://127.0.0.1:1")), down).pipe(
        Effect.map((context) => context.unsafeMap.get(IdempotencyStore.key) as IdempotencyStore["Type"])
      )
    )
    const key = unique()
    const fresh = await claim(s, key)
    if (fresh._tag !== "Fresh") throw new Error("expected a fresh claim")
    await Effect.runPromise(fresh.complete(HttpServerResponse.text("kept", { status: 201 })))
    expect((await claim(s, key))._tag).toBe("Replay")
    await Effect.runPromise(Scope.close(down, Exit.void))
  }, 20_000)
})
