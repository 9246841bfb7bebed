import * as http from "node:http"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import { backends, postJson, type RunningServer, raw, redisKeyPrefix, removeRedisKeys, startServer } from "./support.js"

const pglite = backends.find((b) => b.name === "pglite")!

/** A POST whose body arrives in two parts, so the request is in flight between them. */
const slowPost = (port: number, key: string, body: string) => {
  const request = http.request({
    host: "127.0.0.1",
    port,
    method: "POST",
    path: "/api/v1/leads",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json", "content-length": body.length }
  })
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    request.on("response", (res) => {
      let text = ""
      res.on("data", (chunk) => {
        text += chunk
      })
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }))
    })
    request.on("error", reject)
  })
  const half = Math.floor(body.length / 2)
  request.write(body.slice(0, half))
  return { finish: () => request.end(body.slice(half)), response }
}

describe("HTTP operations (PGlite)", () => {
  let server: RunningServer
  let limited: RunningServer

  beforeAll(async () => {
    server = await startServer((await pglite.persistence())!, { ...pglite.env, LOG_LEVEL: "info" })
    // A second server on the same database with a tiny bucket: 3 at once, one more every 2 s.
    limited = await startServer(server.context, { ...pglite.env, RATE_LIMIT_BURST: "3", RATE_LIMIT_PER_SECOND: "0.5" })
  })
  afterAll(async () => {
    await limited?.close()
    await server?.close()
  })

  it("rate-limits per key with 429, Retry-After and RateLimit-* headers", async () => {
    const key = server.adminKey
    const statuses: Array<number> = []
    let last: Awaited<ReturnType<typeof raw>> | undefined
    for (let i = 0; i < 5; i++) {
      last = await raw(limited, "/api/v1/leads", { key })
      statuses.push(last.status)
      if (last.status === 200) expect(last.headers.get("ratelimit-limit")).toBe("3")
    }
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200])
    expect(statuses.slice(3)).toEqual([429, 429])
    expect(Number(last!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1)
    expect(last!.headers.get("ratelimit-remaining")).toBe("0")
    const problem = await last!.json()
    expect(problem).toMatchObject({ status: 429, code: "rate_limited" })
    // Another key has its own bucket.
    const other = await server.newOrganization("viewer")
    expect((await raw(limited, "/api/v1/leads", { key: other.key })).status).toBe(200)
  })

  it("writes one JSON access-log line per request with the request id, without keys or emails", async () => {
    const lines: Array<string> = []
    const spy = vi.spyOn(console, "log").mockImplementation((...args: Array<unknown>) => {
      lines.push(args.map(String).join(" "))
    })
    try {
      const response = await raw(server, "/api/v1/leads?q=jane@acme.com", {
        key: server.adminKey,
        headers: { "x-request-id": "log-check-1" }
      })
      expect(response.status).toBe(200)
      await new Promise((resolve) => setTimeout(resolve, 50))
    } finally {
      spy.mockRestore()
    }
    const entry = lines.map((line) => JSON.parse(line)).find((e) => e.annotations?.requestId === "log-check-1")
    expect(entry).toMatchObject({ message: "http request", annotations: { status: 200, method: "GET" } })
    expect(entry.annotations.path).toBe("/api/v1/leads?q=[email]")
    const all = lines.join("\n")
    expect(all).not.toContain("jane@acme.com")
    expect(all).not.toContain(server.adminKey)
  })

  it("shuts down gracefully: an in-flight request completes, new connections are refused", async () => {
    const other = await startServer(server.context, pglite.env)
    const slow = slowPost(other.port, server.adminKey, JSON.stringify({ companyName: "Graceful Shutdown Co" }))
    await new Promise((resolve) => setTimeout(resolve, 100))
    const closing = other.close()
    await new Promise((resolve) => setTimeout(resolve, 100))
    await expect(fetch(`${other.baseUrl}/health`)).rejects.toThrow()
    slow.finish()
    const result = await slow.response
    expect(result.status).toBe(201)
    expect(JSON.parse(result.body).companyName).toBe("Graceful Shutdown Co")
    await closing
    const stored = await raw(server, `/api/v1/leads/${JSON.parse(result.body).id}`, { key: server.adminKey })
    expect(stored.status).toBe(200)
  })

  it("records when a key was last used", async () => {
    await raw(server, "/api/v1/leads", { key: server.adminKey })
    await new Promise((resolve) => setTimeout(resolve, 200))
    const keys = await (await raw(server, "/api/v1/keys", { key: server.adminKey })).json()
    const used = keys.items.find((k: { name: string }) => k.name === "bootstrap admin")
    expect(used.lastUsedAt).not.toBeNull()
  })

  it("answers CORS preflights for configured origins only", async () => {
    const cors = await startServer(server.context, { ...pglite.env, CORS_ORIGINS: "https://app.example.com" })
    try {
      const preflight = await raw(cors, "/api/v1/leads", {
        method: "OPTIONS",
        headers: { origin: "https://app.example.com", "access-control-request-method": "POST" }
      })
      expect(preflight.status).toBeLessThan(300)
      expect(preflight.headers.get("access-control-allow-origin")).toBe("https://app.example.com")
      const simple = await raw(cors, "/health", { headers: { origin: "https://evil.example" } })
      expect(simple.headers.get("access-control-allow-origin")).not.toBe("https://evil.example")
    } finally {
      await cors.close()
    }
  })

  it("posts with a body under the limit pass the guard; CORS is off unless configured", async () => {
    const response = await postJson(server, "/api/v1/contacts/validate", server.adminKey, {
      contacts: [{ fullName: "A B", email: "a@b.co" }]
    })
    expect(response.status).toBe(200)
    expect(response.headers.get("access-control-allow-origin")).toBeNull()
  })
})

describe("HTTP rate limit shared through Redis", () => {
  let a: RunningServer
  let b: RunningServer
  const prefix = redisKeyPrefix()

  beforeAll(async () => {
    const env = {
      ...pglite.env,
      REDIS_URL: "redis://127.0.0.1:6379",
      REDIS_KEY_PREFIX: prefix,
      RATE_LIMIT_BURST: "4",
      RATE_LIMIT_PER_SECOND: "0.2"
    }
    a = await startServer((await pglite.persistence())!, env)
    b = await startServer(a.context, env)
  })
  afterAll(async () => {
    await b?.close()
    await a?.close()
    await removeRedisKeys("redis://127.0.0.1:6379", prefix)
  })

  it("two server processes draw from one bucket per key", async () => {
    const statuses: Array<number> = []
    for (let i = 0; i < 6; i++) {
      const target = i % 2 === 0 ? a : b
      statuses.push((await raw(target, "/api/v1/leads", { key: a.adminKey })).status)
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429])
  })
})
