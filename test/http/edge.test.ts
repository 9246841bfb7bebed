import { connect, type Socket } from "node:net"
import { LanguageModelScripted } from "@leadforge/adapters/llm"
import { DataSource, type DataSourceId, DataSourceRepository, type LeadId, newId } from "@leadforge/domain"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { backends, postJson, type RunningServer, raw, startServer } from "./support.js"

/**
 * The HTTP edge from outside, as a client that misbehaves: media types the API does not read, clients that hang up
 * mid-request and retry, connections that trickle or idle, and guessed API keys. Every wait is bounded.
 */
const pglite = backends.find((b) => b.name === "pglite")!
const SLOW = 30_000
/** No answer within this is a hang. */
const answered = () => AbortSignal.timeout(5_000)
const unknownKey = () => `lf_${crypto.randomUUID().replaceAll("-", "")}unknownkey`

describe("the edge answers every media type", () => {
  let server: RunningServer
  beforeAll(async () => {
    server = await startServer((await pglite.persistence())!, pglite.env)
  }, SLOW)
  afterAll(() => server?.close())

  it.each([
    "application/merge-patch+json",
    "application/vnd.api+json",
    "application/ld+json",
    "application/problem+json",
    "text/plain",
    "application/x-www-form-urlencoded"
  ])(
    "%s: 415 naming application/json, within 5 s",
    async (contentType) => {
      const response = await raw(server, "/api/v1/leads", {
        method: "POST",
        key: server.adminKey,
        headers: { "content-type": contentType },
        body: JSON.stringify({ companyName: "Typed Co" }),
        signal: answered()
      })
      expect(response.status).toBe(415)
      expect(response.headers.get("content-type")).toBe("application/problem+json")
      expect(response.headers.get("accept")).toBe("application/json")
      const problem = await response.json()
      expect(problem.code).toBe("unsupported_media_type")
      expect(problem.detail).toContain("application/json")
    },
    SLOW
  )

  it("application/json with parameters is read", async () => {
    const response = await raw(server, "/api/v1/leads", {
      method: "POST",
      key: server.adminKey,
      headers: { "content-type": "Application/JSON ; charset=utf-8" },
      body: JSON.stringify({ companyName: "Charset Co" }),
      signal: answered()
    })
    expect(response.status).toBe(201)
  })
})

/** The enrichment answer, given only once `gate` opens: the first request is still running until then. */
const claim = (value: unknown, confidence: number, evidence: ReadonlyArray<string>) => ({ value, confidence, evidence })
const ENRICHMENT = JSON.stringify({
  industry: claim("Software", 85, ["E1"]),
  employeeRange: claim("51-200", 70, ["E1"]),
  fundingStage: claim("series_a", 75, []),
  location: claim({ city: "Berlin", country: "DE" }, 80, ["E1"]),
  summary: claim("Acme builds ML tooling for logistics.", 80, ["E1"]),
  aiAdoption: { score: 82, confidence: 75, reasons: [{ reason: "ships an ML product", evidence: ["E1"] }] }
})

describe("an Idempotency-Key whose first request is cut off by the client", () => {
  let server: RunningServer
  let open: () => void = () => undefined
  const gate = new Promise<void>((resolve) => {
    open = resolve
  })
  /** How many model calls have started: each enrichment waits in the model until the gate opens. */
  let calls = 0
  const started = async (count: number) => {
    const deadline = Date.now() + 10_000
    while (calls < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
    expect(calls).toBeGreaterThanOrEqual(count)
  }

  beforeAll(async () => {
    server = await startServer((await pglite.persistence())!, pglite.env, {
      languageModel: LanguageModelScripted(() =>
        Effect.sync(() => {
          calls++
        }).pipe(Effect.zipRight(Effect.promise(() => gate)), Effect.as(ENRICHMENT))
      ),
      researchWorker: false
    })
  }, SLOW)
  afterAll(async () => {
    open()
    await server?.close()
  })

  it(
    "a retry while the first runs gets 409 in progress; a cut-off first request is not replayed as 499, its retry runs",
    async () => {
      const key = server.adminKey
      const lead = await (
        await postJson(server, "/api/v1/leads", key, { companyName: "Acme", domain: "acme.io" })
      ).json()
      await Effect.runPromise(
        Effect.flatMap(DataSourceRepository, (sources) =>
          sources.insert(
            new DataSource({
              id: newId<DataSourceId>(),
              organizationId: lead.organizationId,
              leadId: lead.id as LeadId,
              type: "website",
              url: "https://acme.io/about",
              rawPayload: { about: "Acme sells machine-learning software." },
              confidence: 80,
              fetchedAt: new Date(),
              createdAt: new Date()
            })
          )
        ).pipe(Effect.provide(server.context))
      )
      const path = `/api/v1/leads/${lead.id}/enrich`
      const send = (idempotencyKey: string, signal: AbortSignal = answered()) =>
        raw(server, path, {
          method: "POST",
          key,
          headers: { "content-type": "application/json", "idempotency-key": idempotencyKey },
          body: "{}",
          signal
        })

      // a first request that runs (it waits in the model), and a retry meanwhile: refused at once, not made to wait
      const running = `running-${crypto.randomUUID()}`
      const first = send(running, AbortSignal.timeout(20_000))
      await started(1)
      const meanwhile = await send(running)
      expect(meanwhile.status).toBe(409)
      expect(meanwhile.headers.get("content-type")).toBe("application/problem+json")
      expect(meanwhile.headers.get("retry-after")).toBe("1")
      expect((await meanwhile.json()).code).toBe("idempotency_request_in_progress")

      // a first request the client gives up on while the server waits on the model
      const cutKey = `cut-${crypto.randomUUID()}`
      const client = new AbortController()
      const cut = send(cutKey, client.signal).catch((error: unknown) => error)
      await started(2)
      client.abort()
      expect(await cut).toBeInstanceOf(Error)
      await new Promise((resolve) => setTimeout(resolve, 300))

      open()
      const done = await first
      expect(done.status).toBe(200)
      const replay = await send(running)
      expect(replay.status).toBe(200)
      expect(replay.headers.get("idempotent-replayed")).toBe("true")
      expect((await replay.json()).lead.id).toBe(lead.id)

      // the cut-off request left no empty answer behind: its retry runs and gets a real response
      const retry = await send(cutKey)
      expect(retry.status).toBe(200)
      expect(retry.headers.get("idempotent-replayed")).toBeNull()
      expect((await retry.json()).lead.id).toBe(lead.id)
    },
    SLOW
  )
})

/** Resolves with the ms until the server closed the socket, or null when it was still open after `within` ms. */
const closedWithin = (socket: Socket, within: number) =>
  new Promise<number | null>((resolve) => {
    const started = Date.now()
    const timer = setTimeout(() => {
      socket.destroy()
      resolve(null)
    }, within)
    socket.on("error", () => undefined)
    socket.on("close", () => {
      clearTimeout(timer)
      resolve(Date.now() - started)
    })
  })

const socketTo = (server: RunningServer) =>
  new Promise<Socket>((resolve, reject) => {
    const socket = connect(server.port, "127.0.0.1", () => resolve(socket))
    socket.on("error", reject)
  })

describe("connections: timeouts from the settings", () => {
  let server: RunningServer
  beforeAll(async () => {
    server = await startServer((await pglite.persistence())!, {
      ...pglite.env,
      HTTP_HEADERS_TIMEOUT: "1",
      HTTP_REQUEST_TIMEOUT: "2",
      HTTP_KEEP_ALIVE_TIMEOUT: "1"
    })
  }, SLOW)
  afterAll(() => server?.close())

  it("a connection that trickles its headers is answered 408 and closed", async () => {
    const socket = await socketTo(server)
    let received = ""
    socket.on("data", (chunk) => {
      received += chunk.toString()
    })
    socket.write("GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
    const trickle = setInterval(() => socket.writable && socket.write("a"), 200)
    const closed = await closedWithin(socket, 6_000)
    clearInterval(trickle)
    expect(closed).not.toBeNull()
    expect(received).toMatch(/^HTTP\/1\.1 408/)
  })

  it("a connection that sends its body too slowly is closed", async () => {
    const socket = await socketTo(server)
    socket.write(
      `POST /api/v1/leads HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${server.adminKey}\r\n` +
        "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
    )
    const trickle = setInterval(() => socket.writable && socket.write(" "), 200)
    const closed = await closedWithin(socket, 7_000)
    clearInterval(trickle)
    expect(closed).not.toBeNull()
  })

  it("an idle kept-alive connection is closed after HTTP_KEEP_ALIVE_TIMEOUT", async () => {
    const socket = await socketTo(server)
    const answered = new Promise<void>((resolve) => socket.once("data", () => resolve()))
    socket.write("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
    await answered
    const closed = await closedWithin(socket, 3_500)
    expect(closed).not.toBeNull()
  })
})

describe("failed authentications are limited per client address", () => {
  let server: RunningServer
  beforeAll(async () => {
    server = await startServer((await pglite.persistence())!, pglite.env)
  }, SLOW)
  afterAll(() => server?.close())

  it(
    "10 unknown keys get 401, then 429 with Retry-After without a lookup; after the wait a key is checked again",
    async () => {
      const attempt = () => raw(server, "/api/v1/leads", { key: unknownKey(), signal: answered() })
      for (let i = 0; i < 10; i++) expect((await attempt()).status).toBe(401)
      const refused = await attempt()
      expect(refused.status).toBe(429)
      expect(refused.headers.get("content-type")).toBe("application/problem+json")
      const wait = Number(refused.headers.get("retry-after"))
      expect(wait).toBeGreaterThanOrEqual(1)
      expect(wait).toBeLessThanOrEqual(2)
      const problem = await refused.json()
      expect(problem).toMatchObject({ status: 429, code: "too_many_failed_authentications", retryAfter: wait })
      expect((await attempt()).status).toBe(429)
      await new Promise((resolve) => setTimeout(resolve, wait * 1000 + 100))
      expect((await attempt()).status).toBe(401)
    },
    SLOW
  )

  it("requests without a key are not counted (they cost no lookup)", async () => {
    for (let i = 0; i < 15; i++) expect((await raw(server, "/api/v1/leads", { signal: answered() })).status).toBe(401)
  })
})
