import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { backends, postJson, type RunningServer, redisKeyPrefix, removeRedisKeys, startServer } from "./support.js"

const REDIS_URL = "redis://127.0.0.1:6379"
const pglite = backends.find((b) => b.name === "pglite")!
const unique = () => `test-${crypto.randomUUID()}`
const prefix = redisKeyPrefix()

describe("Idempotency-Key records shared through Redis by two server processes", () => {
  let a: RunningServer
  let b: RunningServer

  beforeAll(async () => {
    const env = { ...pglite.env, REDIS_URL, REDIS_KEY_PREFIX: prefix }
    a = await startServer((await pglite.persistence())!, env)
    b = await startServer(a.context, env)
  })
  afterAll(async () => {
    await b?.close()
    await a?.close()
    await removeRedisKeys(REDIS_URL, prefix)
  })

  it("a retry on the other server gets the first response; another body with the key gets 422 there too", async () => {
    const headers = { "idempotency-key": unique() }
    const lead = { companyName: "Shared Idem", domain: "shared-idem.io" }
    const first = await postJson(a, "/api/v1/leads", a.adminKey, lead, headers)
    const created = await first.json()
    expect(first.status, JSON.stringify(created)).toBe(201)
    const retry = await postJson(b, "/api/v1/leads", a.adminKey, lead, headers)
    expect(retry.status).toBe(201)
    expect(retry.headers.get("idempotent-replayed")).toBe("true")
    expect(retry.headers.get("content-type")).toMatch(/application\/json/)
    expect(await retry.json()).toEqual(created)
    const other = await postJson(b, "/api/v1/leads", a.adminKey, { companyName: "Else" }, headers)
    expect(other.status).toBe(422)
    expect((await other.json()).code).toBe("idempotency_key_reused")
  })

  it("the same request sent to both servers at once creates one lead; both answers carry it", async () => {
    const headers = { "idempotency-key": unique() }
    const lead = { companyName: "Race Both", domain: "race-both.io" }
    const answers = await Promise.all(
      [a, b, a, b].map((server) => postJson(server, "/api/v1/leads", a.adminKey, lead, headers))
    )
    const bodies = await Promise.all(answers.map((r) => r.json()))
    // one runs; a retry while it runs (on either server) gets 409, one after it the replay
    for (const r of answers) expect([201, 409]).toContain(r.status)
    const created = bodies.filter((_, i) => answers[i]!.status === 201)
    expect(new Set(created.map((body) => body.id)).size).toBe(1)
    expect(answers.filter((r) => r.status === 201 && r.headers.get("idempotent-replayed") === null)).toHaveLength(1)
    for (const r of answers.filter((r) => r.status === 409))
      expect(r.headers.get("content-type")).toBe("application/problem+json")
    const later = await Promise.all(
      [a, b].map((server) => postJson(server, "/api/v1/leads", a.adminKey, lead, headers))
    )
    for (const r of later) {
      expect(r.status).toBe(201)
      expect(r.headers.get("idempotent-replayed")).toBe("true")
      expect((await r.json()).id).toBe(created[0].id)
    }
  })

  it("a failed first attempt (a problem the client may retry) is not replayed", async () => {
    const headers = { "idempotency-key": unique() }
    // 401 is never remembered: the retry with a valid key runs
    const denied = await postJson(
      a,
      "/api/v1/leads",
      "lf_not_a_key_0000000000000000000000000000",
      { companyName: "X" },
      headers
    )
    expect(denied.status).toBe(401)
    const ok = await postJson(b, "/api/v1/leads", a.adminKey, { companyName: "After Denied" }, headers)
    expect(ok.status).toBe(201)
    expect(ok.headers.get("idempotent-replayed")).toBeNull()
  })
})
