import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as http from "node:http"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { bin, buildCli, expectFailure, freshPostgres, ndjson, root, runCli, tempDir } from "./support.js"

const SLOW = 300_000

beforeAll(buildCli, 600_000)

const work = tempDir("leadforge-cli-research-")
afterAll(() => fs.rmSync(work, { recursive: true, force: true }))

interface Received {
  readonly path: string
  readonly authorization: string | undefined
  readonly system: string
  readonly user: string
}

const claim = (value: unknown, confidence: number, evidence: ReadonlyArray<string>) => ({ value, confidence, evidence })

const ENRICHMENT = JSON.stringify({
  industry: claim("logistics", 60, []),
  employeeRange: claim("51-200", 40, []),
  fundingStage: claim(null, 10, []),
  location: claim({ city: "Berlin", country: "DE" }, 50, []),
  summary: claim("Moves pallets.", 50, []),
  aiAdoption: { score: 64, confidence: 40, reasons: [{ reason: "job ads mention ML", evidence: [] }] }
})

const ANSWER = "Forklifts are made by many firms; Acme is one of them."

/** A local server speaking Groq's OpenAI-compatible chat-completions protocol, answering by what is asked. */
const received: Array<Received> = []
let groq: http.Server | undefined
let groqUrl = ""
let hungOnce = false

beforeAll(async () => {
  const server = http.createServer((req, res) => {
    const chunks: Array<Buffer> = []
    req.on("data", (chunk: Buffer) => chunks.push(chunk))
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as {
        messages?: Array<{ role: string; content: string }>
      }
      const system = body.messages?.find((m) => m.role === "system")?.content ?? ""
      const user = body.messages?.find((m) => m.role === "user")?.content ?? ""
      received.push({ path: req.url ?? "", authorization: req.headers.authorization, system, user })
      // the first request about "hang once" never gets an answer: its worker is killed while waiting for it
      if (user.includes("hang once") && !hungOnce) {
        hungOnce = true
        return
      }
      const content = system.includes("enriching a sales lead") ? ENRICHMENT : ANSWER
      res.writeHead(200, { "content-type": "application/json" }).end(
        JSON.stringify({
          id: "chatcmpl-1",
          object: "chat.completion",
          created: 1,
          model: "llama-3.3-70b-versatile",
          choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
          usage: { prompt_tokens: 20, completion_tokens: 10, total_tokens: 30 }
        })
      )
    })
  })
  groq = server
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const address = server.address()
  groqUrl = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`
})
afterAll(() => new Promise<void>((resolve) => (groq === undefined ? resolve() : groq.close(() => resolve()))))

const MODEL_MESSAGE = /no language model is configured: set GROQ_API_KEY/

describe("leadforge research, worker and leads enrich without GROQ_API_KEY", () => {
  const env = { LEADFORGE_DATA_DIR: path.join(work, "nokey"), GROQ_API_KEY: "" }

  it(
    "exit 1 saying to set GROQ_API_KEY; reading tasks still works on an empty database",
    async () => {
      for (const args of [
        ["research", "run", "--kind", "query", "--query", "hello"],
        ["worker"],
        ["leads", "enrich", "00000000-0000-4000-8000-000000000000"]
      ]) {
        const result = await runCli(args, env)
        expect(result.code, `${args.join(" ")}: ${result.stderr}`).toBe(1)
        expect(result.stderr).toMatch(MODEL_MESSAGE)
      }
      const list = await runCli(["research", "list"], env)
      expect(list.code, list.stderr).toBe(0)
      expect(list.stdout.trim()).toBe("no research tasks")
      const listJson = await runCli(["research", "list", "--json"], env)
      expect(listJson.code).toBe(0)
      expect(listJson.stdout).toBe("")
      const missing = await runCli(["research", "status", "00000000-0000-4000-8000-000000000000"], env)
      expectFailure(missing, /research_task/)
    },
    SLOW
  )
})

describe("leadforge research with a model (local Groq-compatible server)", () => {
  const env = () => ({ LEADFORGE_DATA_DIR: path.join(work, "groq"), GROQ_API_KEY: "test", GROQ_BASE_URL: groqUrl })

  it(
    "research run --kind query --wait prints the answer; status, list and cancel show the finished task",
    async () => {
      const ran = await runCli(
        ["research", "run", "--kind", "query", "--query", "who makes forklifts?", "--wait"],
        env()
      )
      expect(ran.code, ran.stderr).toBe(0)
      expect(ran.stdout).toContain(ANSWER)
      expect(ran.stdout).toMatch(/succeeded/)
      const call = received.find((r) => r.user.includes("who makes forklifts?"))
      expect(call?.path).toBe("/openai/v1/chat/completions")
      expect(call?.authorization).toBe("Bearer test")
      expect(ran.stdout + ran.stderr).not.toContain("Bearer test")

      const listed = ndjson((await runCli(["research", "list", "--json", "--status", "succeeded"], env())).stdout)
      expect(listed).toHaveLength(1)
      const task = listed[0] as { id: string; kind: string; result: { answer: string } }
      expect(task.kind).toBe("query")
      expect(task.result.answer).toBe(ANSWER)

      const status = await runCli(["research", "status", task.id], env())
      expect(status.code).toBe(0)
      expect(status.stdout).toContain(ANSWER)

      const cancel = await runCli(["research", "cancel", task.id, "--json"], env())
      expect(cancel.code).toBe(0)
      expect(ndjson(cancel.stdout)[0]?.status).toBe("succeeded")

      const queued = await runCli(["research", "run", "--kind", "query", "--query", "later"], env())
      expect(queued.code, queued.stderr).toBe(0)
      expect(queued.stdout).toMatch(/queued/)
      const none = ndjson((await runCli(["research", "list", "--json", "--status", "queued"], env())).stdout)
      expect(none).toHaveLength(1)
    },
    SLOW
  )

  it(
    "bad requests are usage errors naming the field",
    async () => {
      const noLead = await runCli(["research", "run", "--kind", "find_contacts"], env())
      expect(noLead.code).toBe(2)
      expect(noLead.stderr).toMatch(/leadId/)
      const noQuery = await runCli(["research", "run", "--kind", "query"], env())
      expect(noQuery.code).toBe(2)
      expect(noQuery.stderr).toMatch(/query/)
    },
    SLOW
  )

  it(
    "leads enrich stores the model's claims, flags unsupported ones, and reports an unknown lead",
    async () => {
      expect((await runCli(["seed", "--demo"], env())).code).toBe(0)
      const leads = ndjson((await runCli(["leads", "list", "--json", "--limit", "1"], env())).stdout) as Array<{
        id: string
        version: number
      }>
      const lead = leads[0]!
      const enriched = await runCli(["leads", "enrich", lead.id, "--json"], env())
      expect(enriched.code, enriched.stderr).toBe(0)
      const [out] = ndjson(enriched.stdout) as Array<{
        leadId: string
        lead: { aiAdoptionScore: number | null; version: number }
        lowConfidence: Array<string>
      }>
      expect(out?.leadId).toBe(lead.id)
      expect(out?.lowConfidence).toContain("aiAdoptionScore")

      const unknown = "00000000-0000-4000-8000-000000000000"
      const partly = await runCli(["leads", "enrich", lead.id, unknown], env())
      expect(partly.code).toBe(1)
      expect(partly.stdout).toContain(lead.id)
      expect(partly.stderr).toContain(unknown)
      expect(partly.stderr).toMatch(/1 of 2 lead/)
    },
    SLOW
  )
})

describe.runIf(process.env.DATABASE_URL)("leadforge worker on PostgreSQL", () => {
  it(
    "a worker killed with SIGKILL mid-task leaves its lease; another worker takes the task over and finishes it",
    async () => {
      const db = await freshPostgres(process.env.DATABASE_URL!)
      const { DATABASE_URL: _url, LEADFORGE_DATA_DIR: _dir, ...base } = process.env
      const env = { DATABASE_URL: db.url, GROQ_API_KEY: "test", GROQ_BASE_URL: groqUrl }
      const startWorker = () =>
        spawn(process.execPath, [bin, "worker", "--lease-seconds", "2"], {
          cwd: root,
          env: { ...base, NO_COLOR: "1", ...env }
        })
      const status = async (id: string) => ndjson((await runCli(["research", "status", id, "--json"], env)).stdout)[0]
      try {
        const queued = await runCli(["research", "run", "--kind", "query", "--query", "hang once", "--json"], env)
        expect(queued.code, queued.stderr).toBe(0)
        const id = String(ndjson(queued.stdout)[0]?.id)

        const first = startWorker()
        const firstExit = new Promise<void>((resolve) => first.on("close", () => resolve()))
        for (let i = 0; i < 200 && !hungOnce; i++) await new Promise((r) => setTimeout(r, 100))
        expect(hungOnce).toBe(true)
        expect((await status(id))?.status).toBe("running")
        first.kill("SIGKILL")
        await firstExit

        const second = startWorker()
        const secondExit = new Promise<void>((resolve) => second.on("close", () => resolve()))
        let task = await status(id)
        for (let i = 0; i < 200 && task?.status !== "succeeded"; i++) {
          await new Promise((r) => setTimeout(r, 250))
          task = await status(id)
        }
        second.kill("SIGTERM")
        await secondExit
        expect(task).toMatchObject({ status: "succeeded", attempts: 2 })
        expect(received.filter((r) => r.user.includes("hang once"))).toHaveLength(2)
      } finally {
        await db.drop()
      }
    },
    SLOW
  )

  it(
    "runs tasks queued by another process and stops on SIGTERM",
    async () => {
      const db = await freshPostgres(process.env.DATABASE_URL!)
      try {
        const env = { DATABASE_URL: db.url, GROQ_API_KEY: "test", GROQ_BASE_URL: groqUrl }
        const queued = await runCli(["research", "run", "--kind", "query", "--query", "from the queue", "--json"], env)
        expect(queued.code, queued.stderr).toBe(0)
        const id = String(ndjson(queued.stdout)[0]?.id)

        const { DATABASE_URL: _url, LEADFORGE_DATA_DIR: _dir, ...base } = process.env
        const worker = spawn(process.execPath, [bin, "worker"], { cwd: root, env: { ...base, NO_COLOR: "1", ...env } })
        let stderr = ""
        worker.stderr.on("data", (chunk: Buffer) => {
          stderr += chunk.toString("utf8")
        })
        const exited = new Promise<number | null>((resolve) => worker.on("close", resolve))
        let status = ""
        for (let i = 0; i < 200 && status !== "succeeded"; i++) {
          await new Promise((r) => setTimeout(r, 250))
          status = String(ndjson((await runCli(["research", "status", id, "--json"], env)).stdout)[0]?.status)
        }
        expect(status, stderr).toBe("succeeded")
        expect(stderr).toMatch(/research worker .* running/)
        worker.kill("SIGTERM")
        const code = await exited
        expect(code).not.toBeNull()
      } finally {
        await db.drop()
      }
    },
    SLOW
  )
})
