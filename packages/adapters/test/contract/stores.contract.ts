import type { IdempotencyStore, RateLimitStore, StoredResponse } from "@leadforge/domain"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"

export const unique = () => `test-${crypto.randomUUID()}`

export const text = (body: string, status = 201): StoredResponse => ({
  status,
  headers: {},
  contentType: "text/plain",
  body: new TextEncoder().encode(body)
})

export const bodyOf = (response: StoredResponse) =>
  response.body === null ? null : new TextDecoder().decode(response.body)

/**
 * What every IdempotencyStore does. `two` gives two handles on one store (two server processes sharing it, or the
 * same memory twice).
 */
export const idempotencyStoreContract = (
  name: string,
  two: () => Promise<readonly [IdempotencyStore.Service, IdempotencyStore.Service]>
) =>
  describe(`IdempotencyStore contract: ${name}`, () => {
    const claim = (s: IdempotencyStore.Service, key: string, fingerprint = "f1") =>
      Effect.runPromise(s.claim(key, fingerprint))

    it("a first claim runs; a retry gets its response; another body is refused", async () => {
      const [first, second] = await two()
      const key = unique()
      const fresh = await claim(first, key)
      if (fresh._tag !== "Fresh") throw new Error("expected a fresh claim")
      await Effect.runPromise(fresh.complete(text("kept")))
      const replay = await claim(second, key)
      expect(replay._tag === "Replay" && [replay.response.status, bodyOf(replay.response)]).toEqual([201, "kept"])
      expect((await claim(second, key, "other body"))._tag).toBe("Mismatch")
    })

    it("a retry while the first request runs is told so; once it completes it gets its response; a release lets it run afresh", async () => {
      const [first, second] = await two()
      const key = unique()
      const running = await claim(first, key)
      if (running._tag !== "Fresh") throw new Error("expected a fresh claim")
      expect((await claim(second, key))._tag).toBe("InProgress")
      expect((await claim(second, key, "other body"))._tag).toBe("Mismatch")
      await Effect.runPromise(
        running.complete({ status: 204, headers: { etag: '"3"' }, contentType: null, body: null })
      )
      const replay = await claim(second, key)
      expect(replay._tag === "Replay" && [replay.response.status, replay.response.headers.etag]).toEqual([204, '"3"'])

      const released = unique()
      const failed = await claim(first, released)
      if (failed._tag !== "Fresh") throw new Error("expected a fresh claim")
      expect((await claim(second, released))._tag).toBe("InProgress")
      await Effect.runPromise(failed.complete(null))
      const next = await claim(second, released)
      expect(next._tag).toBe("Fresh")
      expect((await claim(first, released, "other body"))._tag).toBe("Mismatch")
      // a late settlement of the released claim does not touch the claim that took the key after it
      await Effect.runPromise(failed.complete(text("late")))
      expect((await claim(first, released))._tag).toBe("InProgress")
    })
  })

/** What every RateLimitStore does, with a bucket of 3 refilled at 1 per second. */
export const rateLimitStoreContract = (name: string, make: () => Promise<RateLimitStore.Service>) =>
  describe(`RateLimitStore contract: ${name} (capacity 3, 1 per second)`, () => {
    const take = (s: RateLimitStore.Service, key: string) => Effect.runPromise(s.take(key))

    it("lets a burst through, then refuses with the time to wait; other keys have their own bucket", async () => {
      const store = await make()
      const key = unique()
      const decisions = [await take(store, key), await take(store, key), await take(store, key)]
      expect(decisions.map((d) => [d.allowed, d.limit, d.remaining, d.retryAfter])).toEqual([
        [true, 3, 2, 0],
        [true, 3, 1, 0],
        [true, 3, 0, 0]
      ])
      const refused = await take(store, key)
      expect(refused.allowed).toBe(false)
      expect(refused.retryAfter).toBeGreaterThanOrEqual(1)
      expect(refused.reset).toBeGreaterThanOrEqual(1)
      expect((await take(store, unique())).allowed).toBe(true)
    })

    it("a take may name its own bucket size and rate (failed authentications per address)", async () => {
      const store = await make()
      const key = unique()
      const bucket = { capacity: 2, refillPerSecond: 0.5 }
      const first = await Effect.runPromise(store.take(key, bucket))
      expect([first.allowed, first.limit, first.remaining]).toEqual([true, 2, 1])
      expect((await Effect.runPromise(store.take(key, bucket))).allowed).toBe(true)
      const refused = await Effect.runPromise(store.take(key, bucket))
      expect(refused.allowed).toBe(false)
      expect(refused.retryAfter).toBeGreaterThanOrEqual(1)
      expect(refused.retryAfter).toBeLessThanOrEqual(2)
    })

    it("refills over time", async () => {
      const store = await make()
      const key = unique()
      for (let i = 0; i < 3; i++) await take(store, key)
      expect((await take(store, key)).allowed).toBe(false)
      await new Promise((resolve) => setTimeout(resolve, 1_100))
      expect((await take(store, key)).allowed).toBe(true)
    })
  })
