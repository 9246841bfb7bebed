import { ApiKeyRepository, hashApiKey } from "@leadforge/domain"
import { Effect, Option } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { backends, type RunningServer, raw, startServer, withClient } from "./support.js"

const pglite = backends.find((b) => b.name === "pglite")!

/**
 * The server remembers resolved API keys for API_KEY_CACHE_SECONDS. These tests pin down what that means for
 * revocation: through this server, at once; behind its back (another process, the CLI), within the TTL.
 */
describe("API key cache (PGlite)", () => {
  let remembering: RunningServer
  let uncached: RunningServer

  beforeAll(async () => {
    remembering = await startServer((await pglite.persistence())!, { ...pglite.env, API_KEY_CACHE_SECONDS: "3600" })
    uncached = await startServer(remembering.context, { ...pglite.env, API_KEY_CACHE_SECONDS: "0" })
  })
  afterAll(async () => {
    await uncached?.close()
    await remembering?.close()
  })

  /** Revokes `key` straight in the database, as another process would. */
  const revokeElsewhere = (key: string) =>
    Effect.runPromise(
      Effect.gen(function* () {
        const keys = yield* ApiKeyRepository
        const record = Option.getOrThrow(yield* keys.findActiveByHash(hashApiKey(key)))
        expect(yield* keys.revoke(record.organizationId, record.id, new Date())).toBe(true)
      }).pipe(Effect.provide(remembering.context))
    )

  const viewerKey = (name: string) =>
    withClient(remembering, remembering.adminKey, (client) => client.keys.create({ payload: { name, role: "viewer" } }))

  const status = async (server: RunningServer, key: string) => (await raw(server, "/api/v1/leads", { key })).status

  it("a key revoked through the server is refused at once, even while remembered", async () => {
    const created = await viewerKey("short-lived")
    expect(await status(remembering, created.key)).toBe(200)
    await withClient(remembering, remembering.adminKey, (client) => client.keys.revoke({ path: { id: created.id } }))
    expect(await status(remembering, created.key)).toBe(401)
  })

  it("a key revoked elsewhere is refused at once without the cache, and within the TTL with it", async () => {
    const created = await viewerKey("revoked-elsewhere")
    expect(await status(remembering, created.key)).toBe(200)
    expect(await status(uncached, created.key)).toBe(200)
    await revokeElsewhere(created.key)
    expect(await status(uncached, created.key)).toBe(401)
    // still remembered by the server with a one-hour TTL…
    expect(await status(remembering, created.key)).toBe(200)
    // …until an admin revokes it through that server: already revoked (404), and forgotten
    const again = await withClient(remembering, remembering.adminKey, (client) =>
      Effect.flip(client.keys.revoke({ path: { id: created.id } }))
    )
    expect(again).toMatchObject({ status: 404 })
    expect(await status(remembering, created.key)).toBe(401)
  })

  it("unknown keys are never remembered: a key created elsewhere works at once", async () => {
    const { key } = await remembering.newOrganization("member")
    expect(await status(remembering, `${key.slice(0, -1)}x`)).toBe(401)
    expect(await status(remembering, key)).toBe(200)
  })
})
