import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "@effect/vitest"
import { backoff, type GroqOptions, LanguageModelGroq, parseRetryAfter } from "@leadforge/adapters/groq"
import { layer as memoryLayer } from "@leadforge/adapters/memory"
import { Actor, createLead, enrichLead, LanguageModel, newId, type OrganizationId } from "@leadforge/domain"
import { ConfigProvider, Duration, Effect, Fiber, HashMap, Layer, Logger, LogLevel, Redacted, Schema } from "effect"

const KEY = "gsk_test_SECRET_9f8e7d6c5b4a"

// ---------------------------------------------------------------------------------------------------------------
// A local server speaking Groq's OpenAI-compatible chat-completions protocol

interface Received {
  readonly method: string
  readonly path: string
  readonly headers: http.IncomingHttpHeaders
  readonly body: {
    model: string
    messages: Array<{ role: string; content: string }>
    response_format?: { type: string }
    temperature?: number
  }
}

type Reply =
  | { kind: "json"; status?: number; body: unknown; headers?: Record<string, string>; delayMs?: number }
  | { kind: "raw"; status: number; body: string }
  | { kind: "hang" }

let handler: (request: Received, index: number) => Reply = () => ({ kind: "hang" })
let received: Array<Received> = []
let server: http.Server
let baseURL = ""

const completion = (content: string, usage = { prompt_tokens: 11, completion_tokens: 7 }) => ({
  kind: "json" as const,
  body: {
    id: "chatcmpl-1",
    object: "chat.completion",
    created: 1,
    model: "llama-3.3-70b-versatile",
    choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
    usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens }
  }
})

const errorReply = (status: number, message: string, headers: Record<string, string> = {}): Reply => ({
  kind: "json",
  status,
  headers,
  body: { error: { message, type: "test_error" } }
})

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Array<Buffer> = []
    req.on("data", (chunk: Buffer) => chunks.push(chunk))
    req.on("end", () => {
      const request: Received = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}")
      }
      received.push(request)
      const reply = handler(request, received.length - 1)
      if (reply.kind === "hang") return
      if (reply.kind === "raw") {
        res.writeHead(reply.status, { "content-type": "application/json" }).end(reply.body)
        return
      }
      setTimeout(() => {
        res
          .writeHead(reply.status ?? 200, { "content-type": "application/json", ...reply.headers })
          .end(JSON.stringify(reply.body))
      }, reply.delayMs ?? 0)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

// ---------------------------------------------------------------------------------------------------------------
// Every log line and console write, to prove the key never leaks

const logLines: Array<string> = []
const consoleLines: Array<string> = []
const captureLogger = Logger.make(({ logLevel, message, annotations, cause }) => {
  logLines.push(
    JSON.stringify({
      level: logLevel.label,
      message,
      annotations: Object.fromEntries(HashMap.toEntries(annotations)),
      cause: String(cause)
    })
  )
})
const logging = Layer.merge(Logger.replace(Logger.defaultLogger, captureLogger), Logger.minimumLogLevel(LogLevel.All))

beforeEach(() => {
  received = []
  handler = () => ({ kind: "hang" })
  for (const method of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, method).mockImplementation((...args: Array<unknown>) => {
      consoleLines.push(args.map(String).join(" "))
    })
  }
})

const groq = (options: Partial<GroqOptions> = {}) =>
  Layer.merge(
    LanguageModelGroq.layer({
      apiKey: Redacted.make(KEY),
      baseURL,
      timeout: "2 seconds",
      baseDelay: "10 millis",
      maxRetries: 3,
      retryBudget: "10 seconds",
      ...options
    }),
    logging
  )

const run = <A, E>(effect: Effect.Effect<A, E, LanguageModel>, options: Partial<GroqOptions> = {}) =>
  Effect.provide(effect, groq(options))

const model = LanguageModel

const Company = Schema.Struct({
  industry: Schema.String,
  employees: Schema.Int.pipe(Schema.nonNegative())
})

/** Every string an error can show: its message, its JSON, and its string form. */
const errorText = (error: unknown) => `${(error as Error).message} ${JSON.stringify(error)} ${String(error)}`

describe("LanguageModelGroq against a local Groq-compatible server", () => {
  it.live("generateText: posts to /openai/v1/chat/completions with the key and returns prose with usage", () =>
    run(
      Effect.gen(function* () {
        handler = () => completion("Acme makes anvils.", { prompt_tokens: 21, completion_tokens: 5 })
        const result = yield* (yield* model).generateText({ system: "Be brief.", user: "Who is Acme?" })
        expect(result.value).toBe("Acme makes anvils.")
        expect(result.usage).toMatchObject({ promptTokens: 21, completionTokens: 5, model: "llama-3.3-70b-versatile" })
        expect(result.usage.latencyMs).toBeGreaterThanOrEqual(0)
        expect(received).toHaveLength(1)
        const [request] = received
        expect(request?.method).toBe("POST")
        expect(request?.path).toBe("/openai/v1/chat/completions")
        expect(request?.headers.authorization).toBe(`Bearer ${KEY}`)
        expect(request?.body.model).toBe("llama-3.3-70b-versatile")
        expect(request?.body.response_format).toBeUndefined()
        expect(request?.body.messages).toEqual([
          { role: "system", content: "Be brief." },
          { role: "user", content: "Who is Acme?" }
        ])
      })
    )
  )

  it.live("generateObject: JSON mode, the schema in the system prompt, and a decoded value", () =>
    run(
      Effect.gen(function* () {
        handler = () => completion(JSON.stringify({ industry: "manufacturing", employees: 40, extra: "ignored" }))
        const result = yield* (yield* model).generateObject(Company, {
          system: "You research companies.",
          user: "Acme"
        })
        expect(result.value).toEqual({ industry: "manufacturing", employees: 40 })
        expect(result.usage).toMatchObject({ promptTokens: 11, completionTokens: 7 })
        const body = received[0]?.body
        expect(body?.model).toBe("mixtral-test")
        expect(body?.response_format).toEqual({ type: "json_object" })
        const system = body?.messages[0]
        expect(system?.role).toBe("system")
        expect(system?.content).toContain("You research companies.")
        expect(system?.content).toContain("JSON")
        expect(system?.content).toContain('"employees"')
        expect(body?.messages[1]).toEqual({ role: "user", content: "Acme" })
      }),
      { model: "mixtral-test" }
    )
  )

  it.live("a reply that fails the schema gets one repair request carrying the decode errors", () =>
    run(
      Effect.gen(function* () {
        handler = (_request, index) =>
          index === 0
            ? completion(JSON.stringify({ industry: "software", employees: "many" }), {
                prompt_tokens: 100,
                completion_tokens: 10
              })
            : completion(JSON.stringify({ industry: "software", employees: 120 }), {
                prompt_tokens: 150,
                completion_tokens: 12
              })
        const result = yield* (yield* model).generateObject(Company, { user: "Acme" })
        expect(result.value).toEqual({ industry: "software", employees: 120 })
        expect(result.usage).toMatchObject({ promptTokens: 250, completionTokens: 22 })
        expect(received).toHaveLength(2)
        const repair = received[1]?.body.messages ?? []
        expect(repair).toHaveLength(4)
        expect(repair[2]).toEqual({ role: "assistant", content: '{"industry":"software","employees":"many"}' })
        expect(repair[3]?.role).toBe("user")
        expect(repair[3]?.content).toContain("employees")
        expect(repair[3]?.content).toContain("Expected")
        expect(received[1]?.body.response_format).toEqual({ type: "json_object" })
      })
    )
  )

  it.live("a reply still wrong after the repair fails with ModelOutputInvalid carrying the raw reply", () =>
    run(
      Effect.gen(function* () {
        handler = (_request, index) =>
          completion(index === 0 ? '{"industry": 5}' : '{"industry": "x", "employees": -1}')
        const error = yield* Effect.flip((yield* model).generateObject(Company, { user: "Acme" }))
        expect(error._tag).toBe("ModelOutputInvalid")
        if (error._tag !== "ModelOutputInvalid") return
        expect(error.raw).toBe('{"industry": "x", "employees": -1}')
        expect(error.reason).toContain("employees")
        expect(error.message).toContain("did not match")
        expect(received).toHaveLength(2)
      })
    )
  )

  it.live("malformed JSON in the reply is repaired like any schema failure", () =>
    run(
      Effect.gen(function* () {
        handler = (_request, index) =>
          completion(index === 0 ? '{"industry": "retail", employees: 3' : '{"industry": "retail", "employees": 3}')
        const result = yield* (yield* model).generateObject(Company, { user: "Acme" })
        expect(result.value).toEqual({ industry: "retail", employees: 3 })
        expect(received[1]?.body.messages[3]?.content).toContain("not valid JSON")
      })
    )
  )

  it.live("a malformed HTTP response body is Unavailable and not retried", () =>
    run(
      Effect.gen(function* () {
        handler = () => ({ kind: "raw", status: 200, body: '{"choices": [' })
        const error = yield* Effect.flip((yield* model).generateText({ user: "hi" }))
        expect(error._tag).toBe("Unavailable")
        expect(error.message).toContain("malformed response")
        expect(received).toHaveLength(1)
      })
    )
  )

  it.live("429 is retried after the wait retry-after asks for", () =>
    run(
      Effect.gen(function* () {
        handler = (_request, index) =>
          index === 0 ? errorReply(429, "Rate limit reached", { "retry-after": "1" }) : completion("ok")
        const started = Date.now()
        const result = yield* (yield* model).generateText({ user: "hi" })
        const elapsed = Date.now() - started
        expect(result.value).toBe("ok")
        expect(received).toHaveLength(2)
        // base backoff is 10 ms: only retry-after explains a wait of about a second
        expect(elapsed).toBeGreaterThanOrEqual(950)
        expect(logLines.some((line) => line.includes("retrying") && line.includes("429"))).toBe(true)
      })
    )
  )

  it.live("a retry-after beyond the retry budget fails at once with Unavailable", () =>
    run(
      Effect.gen(function* () {
        handler = () => errorReply(429, "Rate limit reached", { "retry-after": "30" })
        const started = Date.now()
        const error = yield* Effect.flip((yield* model).generateText({ user: "hi" }))
        expect(Date.now() - started).toBeLessThan(1_000)
        expect(error._tag).toBe("Unavailable")
        expect(error.message).toContain("rate limited")
        expect(error.message).toContain("retry budget")
        expect(received).toHaveLength(1)
      }),
      { retryBudget: "5 seconds" }
    )
  )

  it.live("500 is retried with backoff until it succeeds", () =>
    run(
      Effect.gen(function* () {
        handler = (_request, index) => (index < 2 ? errorReply(500, "upstream exploded") : completion("recovered"))
        const result = yield* (yield* model).generateText({ user: "hi" })
        expect(result.value).toBe("recovered")
        expect(received).toHaveLength(3)
      })
    )
  )

  it.live("persistent 5xx gives up after maxRetries with Unavailable", () =>
    run(
      Effect.gen(function* () {
        handler = () => errorReply(503, "overloaded")
        const error = yield* Effect.flip((yield* model).generateText({ user: "hi" }))
        expect(error._tag).toBe("Unavailable")
        expect(error.message).toContain("HTTP 503")
        expect(error.message).toContain("gave up after 3 attempts")
        expect(received).toHaveLength(3)
      }),
      { maxRetries: 2 }
    )
  )

  it.live("400 is not retried and says what Groq said", () =>
    run(
      Effect.gen(function* () {
        handler = () => errorReply(400, "model `nope` does not exist")
        const error = yield* Effect.flip((yield* model).generateText({ user: "hi" }))
        expect(error.message).toContain("HTTP 400")
        expect(error.message).toContain("does not exist")
        expect(received).toHaveLength(1)
      })
    )
  )

  it.live("a request that outlives the timeout fails with Unavailable", () =>
    run(
      Effect.gen(function* () {
        handler = () => ({ kind: "hang" })
        const started = Date.now()
        const error = yield* Effect.flip((yield* model).generateText({ user: "hi" }))
        expect(Date.now() - started).toBeLessThan(2_000)
        expect(error._tag).toBe("Unavailable")
        expect(error.message).toContain("timed out after 300 ms")
      }),
      { timeout: "300 millis" }
    )
  )

  it.live("at most N requests per organization are in flight; other organizations are not held up", () =>
    run(
      Effect.gen(function* () {
        const inFlight = new Map<string, number>()
        const maxInFlight = new Map<string, number>()
        let maxTotal = 0
        handler = (request) => {
          const org = request.body.messages.at(-1)?.content.split(":")[0] ?? ""
          inFlight.set(org, (inFlight.get(org) ?? 0) + 1)
          maxInFlight.set(org, Math.max(maxInFlight.get(org) ?? 0, inFlight.get(org) ?? 0))
          maxTotal = Math.max(
            maxTotal,
            [...inFlight.values()].reduce((a, b) => a + b, 0)
          )
          setTimeout(() => inFlight.set(org, (inFlight.get(org) ?? 1) - 1), 150)
          return { ...completion("ok"), delayMs: 150 }
        }
        const lm = yield* model
        const call = (org: string, n: number) => lm.generateText({ user: `${org}:${n}`, organizationId: org })
        const a = yield* Effect.fork(
          Effect.all(
            [1, 2, 3, 4, 5].map((n) => call("org-a", n)),
            { concurrency: 5 }
          )
        )
        yield* Effect.sleep("30 millis")
        yield* call("org-b", 1)
        yield* Fiber.join(a)
        expect(maxInFlight.get("org-a")).toBe(2)
        expect(maxInFlight.get("org-b")).toBe(1)
        expect(maxTotal).toBe(3)
        expect(received).toHaveLength(6)
      }),
      { concurrencyPerOrganization: 2 }
    )
  )

  it.live("the key never appears in errors or logs, even when the server echoes it", () =>
    run(
      Effect.gen(function* () {
        const lm = yield* model
        handler = () => errorReply(401, `Invalid API Key: ${KEY}`)
        const unauthorized = yield* Effect.flip(lm.generateText({ user: "hi" }))
        expect(unauthorized.message).toContain("GROQ_API_KEY")
        handler = () => errorReply(500, `upstream saw key ${KEY}`)
        const server = yield* Effect.flip(lm.generateText({ user: "hi" }))
        expect(server.message).toContain("[redacted]")
        handler = () => completion(`{"industry": "${KEY}"}`)
        const invalid = yield* Effect.flip(lm.generateObject(Company, { user: "hi" }))
        for (const error of [unauthorized, server]) expect(errorText(error)).not.toContain(KEY)
        // the raw reply is the model's text: it is returned as it is, but never logged
        expect(invalid._tag).toBe("ModelOutputInvalid")
        expect(logLines.length).toBeGreaterThan(0)
        for (const line of [...logLines, ...consoleLines]) expect(line).not.toContain(KEY)
      }),
      { maxRetries: 1 }
    )
  )
})

describe("LanguageModelGroq.layerConfig", () => {
  const withEnv = (env: Record<string, string>) =>
    Layer.provide(
      LanguageModelGroq.layerConfig,
      Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))
    )

  it.live("without GROQ_API_KEY every call fails with LanguageModelNotConfigured and health says not_configured", () =>
    Effect.gen(function* () {
      const lm = yield* model
      expect(yield* lm.health).toEqual({ status: "not_configured", provider: "none" })
      const text = yield* Effect.flip(lm.generateText({ user: "hi" }))
      expect(text._tag).toBe("LanguageModelNotConfigured")
      expect(text.message).toContain("GROQ_API_KEY")
      const object = yield* Effect.flip(lm.generateObject(Company, { user: "hi" }))
      expect(object._tag).toBe("LanguageModelNotConfigured")
      expect(received).toHaveLength(0)
    }).pipe(Effect.provide(withEnv({ GROQ_API_KEY: "  " })))
  )

  it.live("with a key, GROQ_MODEL and GROQ_BASE_URL are used", () =>
    Effect.gen(function* () {
      handler = () => completion("configured")
      const lm = yield* model
      expect(yield* lm.health).toEqual({ status: "ok", provider: "groq", model: "llama-3.1-8b-instant" })
      // health is a probe of the configured model (no tokens), then the completion uses the same model and key
      expect([received[0]?.method, received[0]?.path]).toEqual(["GET", "/openai/v1/models/llama-3.1-8b-instant"])
      expect((yield* lm.generateText({ user: "hi" })).value).toBe("configured")
      expect(received[1]?.body.model).toBe("llama-3.1-8b-instant")
      expect(received[1]?.headers.authorization).toBe(`Bearer ${KEY}`)
      // asked again within the minute, health answers from memory
      expect((yield* lm.health).status).toBe("ok")
      expect(received).toHaveLength(2)
    }).pipe(Effect.provide(withEnv({ GROQ_API_KEY: KEY, GROQ_MODEL: "llama-3.1-8b-instant", GROQ_BASE_URL: baseURL })))
  )

  it.live("health is unavailable when Groq rejects the key, with a reason that never holds the key", () =>
    Effect.gen(function* () {
      handler = () => errorReply(401, `Invalid API Key ${KEY}`)
      const lm = yield* model
      const health = yield* lm.health
      expect(health).toMatchObject({ status: "unavailable", provider: "groq" })
      expect(health.reason).toContain("HTTP 401")
      expect(JSON.stringify(health)).not.toContain(KEY)
    }).pipe(Effect.provide(withEnv({ GROQ_API_KEY: KEY, GROQ_BASE_URL: baseURL })))
  )

  it.live("a bad setting fails with an error naming it", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        Layer.build(withEnv({ GROQ_API_KEY: KEY, GROQ_CONCURRENCY: "0" })).pipe(Effect.scoped)
      )
      expect(String(error)).toContain("GROQ_CONCURRENCY")
      expect(String(error)).not.toContain(KEY)
    })
  )
})

describe("retry-after parsing and backoff", () => {
  const headers = (entries: Record<string, string>) => new Headers(entries)
  const now = Date.parse("2026-01-01T00:00:00Z")

  it("reads retry-after-ms, retry-after seconds and an HTTP date; ignores garbage", () => {
    expect(parseRetryAfter(headers({ "retry-after-ms": "250", "retry-after": "9" }), now)).toEqual(Duration.millis(250))
    expect(parseRetryAfter(headers({ "retry-after": "2" }), now)).toEqual(Duration.millis(2000))
    expect(parseRetryAfter(headers({ "retry-after": "Thu, 01 Jan 2026 00:00:03 GMT" }), now)).toEqual(
      Duration.millis(3000)
    )
    expect(parseRetryAfter(headers({ "retry-after": "soon" }), now)).toBeUndefined()
    expect(parseRetryAfter(headers({}), now)).toBeUndefined()
  })

  it("backs off exponentially up to the cap", () => {
    const policy = {
      maxRetries: 5,
      baseDelay: Duration.millis(100),
      maxDelay: Duration.millis(350),
      budget: Duration.seconds(10)
    }
    expect([0, 1, 2, 3].map((n) => Duration.toMillis(backoff(policy, n)))).toEqual([100, 200, 350, 350])
  })
})

describe("enrichLead through the Groq adapter", () => {
  it.live("the enrichment schema survives the real transport: JSON mode, decode, stored fields", () =>
    Effect.gen(function* () {
      const ctx = { organizationId: newId<OrganizationId>(), actor: new Actor({ type: "user", id: "alice" }) }
      const cited = (value: unknown) => ({ value, confidence: 70, evidence: [] })
      handler = () =>
        completion(
          JSON.stringify({
            industry: cited("Fintech"),
            employeeRange: cited("11-50"),
            fundingStage: cited("seed"),
            location: cited(null),
            summary: cited("A payments start-up."),
            aiAdoption: { score: 40, confidence: 50, reasons: [] }
          })
        )
      const lead = yield* createLead(ctx, { companyName: "Payly", domain: "payly.example" })
      const result = yield* enrichLead(ctx, lead.id)
      expect(result.lead).toMatchObject({ industry: "fintech", employeeCount: 11, fundingStage: "seed" })
      expect(result.usage.model).toBe("llama-3.3-70b-versatile")
      expect(result.claims.filter((c) => c.lowConfidence).map((c) => c.field)).toEqual([
        "industry",
        "employeeCount",
        "fundingStage",
        "aiAdoptionScore",
        "summary"
      ])
      expect(received).toHaveLength(1)
      expect(received[0]?.body.response_format).toEqual({ type: "json_object" })
      expect(received[0]?.body.messages[0]?.content).toContain('"aiAdoption"')
    }).pipe(Effect.provide(Layer.merge(memoryLayer, groq())))
  )
})
