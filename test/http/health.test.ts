import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { LanguageModelGroq } from "@leadforge/adapters/groq"
import { type Duration, Redacted } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { backends, type RunningServer, raw, startServer } from "./support.js"

const KEY = "gsk_health_SECRET_1a2b3c4d"
const MODEL = "llama-3.3-70b-versatile"

/** A local server speaking Groq's OpenAI-compatible protocol: here, only the model lookup the probe makes. */
type Behaviour = "ok" | "reject_key" | "hang"
let behaviour: Behaviour = "ok"
let probes: Array<{ readonly method: string; readonly path: string; readonly authorization: string }> = []
let groq: http.Server
let baseURL = ""

beforeAll(async () => {
  groq = http.createServer((req, res) => {
    probes.push({ method: req.method ?? "", path: req.url ?? "", authorization: req.headers.authorization ?? "" })
    if (behaviour === "hang") return
    if (behaviour === "reject_key") {
      res.writeHead(401, { "content-type": "application/json" })
      res.end(JSON.stringify({ error: { message: "Invalid API Key", type: "invalid_request_error" } }))
      return
    }
    res.writeHead(200, { "content-type": "application/json" })
    res.end(JSON.stringify({ id: MODEL, object: "model", created: 1, owned_by: "Meta", active: true }))
  })
  await new Promise<void>((resolve) => groq.listen(0, "127.0.0.1", resolve))
  baseURL = `http://127.0.0.1:${(groq.address() as AddressInfo).port}`
})

afterAll(async () => {
  groq.closeAllConnections()
  await new Promise<void>((resolve) => groq.close(() => resolve()))
})

const model = (healthTtl: Duration.DurationInput) =>
  LanguageModelGroq.layer({ apiKey: Redacted.make(KEY), baseURL, model: MODEL, timeout: "2 seconds", healthTtl })

const health = async (server: RunningServer) => {
  const response = await raw(server, "/health")
  const text = await response.text()
  expect(text).not.toContain(KEY)
  return { status: response.status, body: JSON.parse(text) }
}

/** Asks /health until `llm` is `state` (the probe refreshes in the background), for at most `attempts` tries. */
const untilLlm = async (server: RunningServer, state: string, attempts = 100) => {
  for (let i = 0; i < attempts; i++) {
    const answer = await health(server)
    if (answer.body.services.llm === state) return answer
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`/health never reported llm: ${state}`)
}

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`/health and the language model over ${backend.name}`, () => {
    let cached: RunningServer

    beforeAll(async () => {
      const persistence = await backend.persistence()
      if (persistence === null) throw new Error(`no ${backend.name} database: set DATABASE_URL`)
      behaviour = "ok"
      cached = await startServer(persistence, backend.env, { languageModel: model("1 minute"), researchWorker: false })
    })
    afterAll(() => cached?.close())

    it("reports a model that answers its probe as available, probing once a minute at most", async () => {
      probes = []
      for (let i = 0; i < 5; i++) {
        const answer = await health(cached)
        expect(answer.status).toBe(200)
        expect(answer.body).toMatchObject({ status: "healthy", services: { llm: "available" } })
      }
      // at most the one probe the server made when it started, and none of the five /health calls made another
      expect(probes.length).toBeLessThanOrEqual(1)
      behaviour = "reject_key"
      expect((await health(cached)).body.services.llm).toBe("available") // still the cached answer
      expect(probes.length).toBeLessThanOrEqual(1)
    })

    it("tells the truth when the provider rejects the key, hangs, or comes back", async () => {
      behaviour = "ok"
      probes = []
      const server = await startServer(cached.context, backend.env, {
        languageModel: model("100 millis"),
        researchWorker: false
      })
      try {
        await untilLlm(server, "available")
        expect(probes[0]).toEqual({
          method: "GET",
          path: `/openai/v1/models/${MODEL}`,
          authorization: `Bearer ${KEY}`
        })

        behaviour = "reject_key"
        const rejected = await untilLlm(server, "unavailable")
        expect(rejected.status).toBe(200)
        expect(rejected.body.status).toBe("degraded")

        // a provider that never answers does not hold /health up: the last answer is served meanwhile
        behaviour = "hang"
        for (let i = 0; i < 5; i++) {
          const started = Date.now()
          const answer = await health(server)
          expect(Date.now() - started).toBeLessThan(1_000)
          expect(answer.body.services.llm).toBe("unavailable")
          await new Promise((resolve) => setTimeout(resolve, 120))
        }

        behaviour = "ok"
        const back = await untilLlm(server, "available")
        expect(back.body.status).toBe("healthy")
      } finally {
        await server.close()
      }
    })

    it("a first probe that does not come back in time reports unavailable, within the budget", async () => {
      behaviour = "hang"
      const server = await startServer(cached.context, backend.env, {
        languageModel: model("1 minute"),
        researchWorker: false
      })
      try {
        const started = Date.now()
        const answer = await health(server)
        expect(Date.now() - started).toBeLessThan(1_000)
        expect(answer.status).toBe(200)
        expect(answer.body).toMatchObject({ status: "degraded", services: { llm: "unavailable" } })
      } finally {
        behaviour = "ok"
        await server.close()
      }
    })
  })
}
