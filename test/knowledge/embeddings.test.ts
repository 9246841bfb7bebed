import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { EmbedderOpenAiCompatible, hashingEmbed, makeEmbedderHashing } from "@leadforge/adapters/embeddings"
import * as Runtime from "@leadforge/adapters/runtime"
import { Embedder, Unavailable } from "@leadforge/domain"
import { ConfigProvider, Effect, Layer, Option, Redacted } from "effect"

const cosine = (a: ReadonlyArray<number>, b: ReadonlyArray<number>) => a.reduce((s, x, i) => s + x * b[i]!, 0)
const norm = (a: ReadonlyArray<number>) => Math.sqrt(cosine(a, a))

describe("hashing embedder", () => {
  const embedder = makeEmbedderHashing()

  it.effect("is deterministic, 384-dimensional and L2-normalized", () =>
    Effect.gen(function* () {
      expect(embedder.modelId).toBe("hashing-384")
      const [a, b, c] = yield* embedder.embed(["Acme sells robots", "Acme sells robots", ""])
      expect(a).toHaveLength(384)
      expect(a).toEqual(b)
      expect(norm(a!)).toBeCloseTo(1, 9)
      expect(c!.every((x) => x === 0)).toBe(true)
      expect(hashingEmbed("Acme sells robots", 64)).toHaveLength(64)
    })
  )

  it("ranks lexical overlap, inflections and typos above unrelated text", () => {
    const e = (t: string) => hashingEmbed(t, 384)
    const query = e("enterprise pricing plans")
    const close = cosine(query, e("Pricing for the Enterprise plan"))
    const far = cosine(query, e("kubernetes cluster autoscaling on spot instances"))
    expect(close).toBeGreaterThan(0.5)
    expect(far).toBeLessThan(0.15)
    expect(cosine(e("onboarding"), e("onbaording"))).toBeGreaterThan(cosine(e("onboarding"), e("invoice")))
    expect(cosine(e("Café Zürich"), e("cafe zurich"))).toBeCloseTo(1, 9)
  })
})

interface Seen {
  readonly path: string
  readonly auth: string | undefined
  readonly body: { model: string; input: Array<string>; dimensions?: number }
}

/** A local server speaking POST /v1/embeddings; `script` decides each response in turn. */
const startServer = async () => {
  const seen: Array<Seen> = []
  type Step = { status: number; body: unknown; delayMs?: number }
  let script: Array<(s: Seen) => Step> = []
  const fallback = (s: Seen): Step => ({
    status: 200,
    body: {
      object: "list",
      model: s.body.model,
      // reversed on purpose: clients must order by index; vectors deliberately not normalized
      data: s.body.input
        .map((text, index) => ({ object: "embedding", index, embedding: [text.length, 1, 2, 2] }))
        .reverse()
    }
  })
  const server = http.createServer((req, res) => {
    let raw = ""
    req.on("data", (c) => {
      raw += c
    })
    req.on("end", () => {
      const s: Seen = { path: req.url ?? "", auth: req.headers.authorization, body: JSON.parse(raw || "{}") }
      seen.push(s)
      const step = (script.shift() ?? fallback)(s)
      setTimeout(() => {
        res.writeHead(step.status, { "content-type": "application/json" })
        res.end(typeof step.body === "string" ? step.body : JSON.stringify(step.body))
      }, step.delayMs ?? 0)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    seen,
    setScript: (s: typeof script) => {
      script = s
      seen.length = 0
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

describe("OpenAI-compatible embedder against a local /v1/embeddings server", () => {
  let server: Awaited<ReturnType<typeof startServer>>
  beforeAll(async () => {
    server = await startServer()
  })
  afterAll(() => server.close())

  const embedder = (overrides: Partial<EmbedderOpenAiCompatible.OpenAiCompatibleOptions> = {}) =>
    Effect.provide(
      Embedder,
      EmbedderOpenAiCompatible.layerFetch({
        url: server.url,
        model: "nomic-embed-text",
        apiKey: Option.some(Redacted.make("sk-secret-123")),
        dimension: 4,
        batchSize: 2,
        retries: 2,
        retryBase: "5 millis",
        timeout: "2 seconds",
        ...overrides
      })
    )

  it.live("batches, orders by index, L2-normalizes and sends the key as a bearer token", () =>
    Effect.gen(function* () {
      server.setScript([])
      const e = yield* embedder()
      expect(e.modelId).toBe("openai-compatible:nomic-embed-text:4")
      const vectors = yield* e.embed(["a", "bb", "ccc", "dddd", "eeeee"])
      expect(server.seen.map((s) => s.body.input)).toEqual([["a", "bb"], ["ccc", "dddd"], ["eeeee"]])
      expect(server.seen.every((s) => s.path === "/v1/embeddings" && s.auth === "Bearer sk-secret-123")).toBe(true)
      expect(server.seen[0]!.body.model).toBe("nomic-embed-text")
      expect(server.seen[0]!.body.dimensions).toBeUndefined()
      vectors.forEach((v, i) => {
        expect(norm(v)).toBeCloseTo(1, 9)
        expect(v[0]! / v[1]!).toBeCloseTo(i + 1, 9)
      })
    })
  )

  it.live("retries 429 and 5xx with backoff, then succeeds", () =>
    Effect.gen(function* () {
      server.setScript([() => ({ status: 429, body: { error: "slow down" } }), () => ({ status: 503, body: "busy" })])
      const vectors = yield* (yield* embedder()).embed(["x"])
      expect(vectors).toHaveLength(1)
      expect(server.seen).toHaveLength(3)
    })
  )

  it.live("gives up after the configured retries with Unavailable, without the key in the message", () =>
    Effect.gen(function* () {
      server.setScript(Array.from({ length: 5 }, () => () => ({ status: 500, body: "boom" })))
      const error = yield* Effect.flip((yield* embedder()).embed(["x"]))
      expect(error).toBeInstanceOf(Unavailable)
      expect(error.message).toMatch(/HTTP 500 \(after 3 attempts\)/)
      expect(error.message).not.toContain("sk-secret")
      expect(server.seen).toHaveLength(3)
    })
  )

  it.live("does not retry other 4xx and reports the server's reason", () =>
    Effect.gen(function* () {
      server.setScript([() => ({ status: 400, body: { error: { message: "model not found" } } })])
      const error = yield* Effect.flip((yield* embedder()).embed(["x"]))
      expect(error.message).toMatch(/HTTP 400.*model not found/)
      expect(server.seen).toHaveLength(1)
    })
  )

  it.live("times out slow responses and retries them", () =>
    Effect.gen(function* () {
      server.setScript(Array.from({ length: 3 }, () => () => ({ status: 200, body: {}, delayMs: 400 })))
      const error = yield* Effect.flip((yield* embedder({ timeout: "100 millis", retries: 1 })).embed(["x"]))
      expect(error.message).toMatch(/timed out \(after 2 attempts\)/)
    })
  )

  it.live("rejects a response with the wrong dimension or count", () =>
    Effect.gen(function* () {
      server.setScript([() => ({ status: 200, body: { data: [{ index: 0, embedding: [1, 2, 3] }] } })])
      expect((yield* Effect.flip((yield* embedder()).embed(["x"]))).message).toMatch(/3 dimensions; configured for 4/)
      server.setScript([() => ({ status: 200, body: { data: [] } })])
      expect((yield* Effect.flip((yield* embedder()).embed(["x"]))).message).toMatch(/0 embeddings for 1 inputs/)
    })
  )

  it.live("reads its settings from config: EMBEDDINGS_URL selects it, the key stays redacted", () =>
    Effect.gen(function* () {
      server.setScript([])
      const provider = ConfigProvider.fromMap(
        new Map([
          ["EMBEDDINGS_URL", `${server.url}/v1`],
          ["EMBEDDINGS_MODEL", "bge-small"],
          ["EMBEDDINGS_API_KEY", "sk-from-env"],
          ["EMBEDDINGS_DIMENSION", "4"],
          ["EMBEDDINGS_SEND_DIMENSIONS", "true"]
        ])
      )
      const e = yield* Effect.provide(Embedder, Runtime.embedder.pipe(Layer.provide(Layer.setConfigProvider(provider))))
      yield* e.embed(["hello"])
      expect(server.seen[0]!.path).toBe("/v1/embeddings")
      expect(server.seen[0]!.auth).toBe("Bearer sk-from-env")
      expect(server.seen[0]!.body.dimensions).toBe(4)
      const fallback = yield* Effect.provide(
        Embedder,
        Runtime.embedder.pipe(Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map()))))
      )
      expect(fallback.modelId).toBe("hashing-384")
    })
  )
})
