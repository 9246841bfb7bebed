import { type CompletionRequest, LanguageModelScripted } from "@leadforge/adapters/llm"
import {
  DataSource,
  type DataSourceId,
  DataSourceRepository,
  type LeadId,
  newId,
  type OrganizationId
} from "@leadforge/domain"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { backends, postJson, type RunningServer, raw, startServer } from "./support.js"

const pglite = backends.find((b) => b.name === "pglite")!

const SLOW = 60_000

const system = (request: CompletionRequest) => request.messages.find((m) => m.role === "system")?.content ?? ""
const user = (request: CompletionRequest) => request.messages.find((m) => m.role === "user")?.content ?? ""

const claim = (value: unknown, confidence: number, evidence: ReadonlyArray<string>) => ({ value, confidence, evidence })

/** Enrichment: industry and location cite E1 (the knowledge document); funding cites nothing. */
const ENRICHMENT = JSON.stringify({
  industry: claim("Software", 85, ["E1"]),
  employeeRange: claim("51-200", 70, ["E1"]),
  fundingStage: claim("series_a", 75, []),
  location: claim({ city: "Berlin", country: "DE" }, 80, ["E1"]),
  summary: claim("Acme builds ML tooling for logistics.", 80, ["E1"]),
  aiAdoption: { score: 82, confidence: 75, reasons: [{ reason: "ships an ML product", evidence: ["E1"] }] }
})

/** find_contacts: two good people, one malformed email, one without email or name, one repeat. */
const PROPOSALS = JSON.stringify({
  contacts: [
    { fullName: "Ada Lovelace", email: "ada@acme.example", jobTitle: "CTO", reason: "team page" },
    { firstName: "Grace", lastName: "Hopper", email: "grace.hopper@acme.example", jobTitle: "VP Engineering" },
    { fullName: "Bob Broken", email: "bob(at)acme", jobTitle: "Sales" },
    { jobTitle: "Head of Nothing" },
    { fullName: "Ada L.", email: "ADA@acme.example" }
  ]
})

/** Answers by what is asked; a query waits on `release` when it mentions "slow" (to cancel it mid-run). */
const scripted = (release: Promise<void>) =>
  LanguageModelScripted((request) => {
    const prompt = system(request)
    if (prompt.includes("enriching a sales lead")) return ENRICHMENT
    if (prompt.includes("finding people")) return PROPOSALS
    const question = user(request)
    if (question.includes("slow"))
      return Effect.as(
        Effect.promise(() => release),
        "late answer"
      )
    return `Answer to: ${question.split("Question: ")[1] ?? ""}`
  })

/** Evidence stored directly: a website data source of the lead. */
const addDataSource = (server: RunningServer, lead: { id: string; organizationId: string }) =>
  Effect.runPromise(
    Effect.flatMap(DataSourceRepository, (sources) =>
      sources.insert(
        new DataSource({
          id: newId<DataSourceId>(),
          organizationId: lead.organizationId as OrganizationId,
          leadId: lead.id as LeadId,
          type: "website",
          url: "https://acme.example/about",
          rawPayload: { about: "Acme sells machine-learning software to logistics firms from Berlin; 120 staff." },
          confidence: 80,
          fetchedAt: new Date(),
          createdAt: new Date()
        })
      )
    ).pipe(Effect.provide(server.context))
  )

const fastWorker = { poll: "20 millis", lease: "3 seconds", heartbeat: "100 millis", backoff: () => 0 } as const

for (const backend of backends)
  describe.skipIf(backend.skip !== undefined)(
    `research and enrichment over HTTP (${backend.name}, scripted model)`,
    () => {
      let server: RunningServer
      let key: string
      let releaseSlow: () => void = () => undefined
      const release = new Promise<void>((resolve) => {
        releaseSlow = resolve
      })

      beforeAll(async () => {
        const persistence = await backend.persistence()
        if (persistence === null) throw new Error(`no ${backend.name} database: set DATABASE_URL`)
        server = await startServer(persistence, backend.env, {
          languageModel: scripted(release),
          researchWorker: fastWorker
        })
        key = server.adminKey
      }, SLOW)
      afterAll(async () => {
        releaseSlow()
        await server?.close()
      })

      /** Acme on acme.example, the domain the scripted contacts use; a lead per test (another org or none). */
      const createLead = async (body: Record<string, unknown> = { companyName: "Acme", domain: "acme.example" }) => {
        await Promise.all(
          ((await (await raw(server, "/api/v1/leads?limit=200", { key })).json()).items as Array<{ id: string }>).map(
            (lead) => raw(server, `/api/v1/leads/${lead.id}`, { method: "DELETE", key })
          )
        )
        const created = await postJson(server, "/api/v1/leads", key, body)
        expect(created.status).toBe(201)
        return (await created.json()) as { id: string; organizationId: string; version: number; leadScore: number }
      }

      it("reports the model as available in /health", async () => {
        const body = await (await raw(server, "/health")).json()
        expect(body.services.llm).toBe("available")
      })

      it(
        "enriches a lead: evidence-backed claims applied with llm provenance, unsupported ones flagged low-confidence",
        async () => {
          const lead = await createLead({ companyName: "Acme", domain: "acme.example", industry: "Robotics" })
          // PGlite has pgvector; the test PostgreSQL does not, so there the document is a data source instead
          if (backend.name === "pglite") {
            const doc = await postJson(server, "/api/v1/knowledge", key, {
              title: "Acme profile",
              text: "Acme sells machine-learning software to logistics firms from Berlin and has about 120 staff.",
              leadId: lead.id
            })
            expect(doc.status).toBe(201)
          } else {
            await addDataSource(server, lead)
          }

          const response = await postJson(server, `/api/v1/leads/${lead.id}/enrich`, key, {})
          expect(response.status).toBe(200)
          const body = await response.json()
          const byField = Object.fromEntries(body.claims.map((c: { field: string }) => [c.field, c]))
          // the user-entered industry is kept
          expect(byField.industry).toMatchObject({ applied: false, lowConfidence: false })
          expect(body.lead.industry).toBe("Robotics")
          expect(byField.location).toMatchObject({ applied: true, lowConfidence: false })
          expect(byField.location.evidence).toHaveLength(1)
          expect(body.evidence.map((e: { id: string }) => e.id)).toContain(byField.location.evidence[0])
          expect(byField.fundingStage.lowConfidence).toBe(true)
          expect(body.lowConfidence).toContain("fundingStage")
          expect(body.lead.location).toMatchObject({ city: "Berlin", country: "DE" })
          expect(body.lead.aiAdoptionScore).toBe(82)
          expect(body.lead.provenance.location).toMatchObject({ origin: "llm", model: "scripted" })
          expect(body.usage.model).toBe("scripted")

          const stored = await (await raw(server, `/api/v1/leads/${lead.id}`, { key })).json()
          expect(stored.location.city).toBe("Berlin")
          expect(stored.version).toBeGreaterThan(lead.version)

          const missing = await postJson(server, `/api/v1/leads/${crypto.randomUUID()}/enrich`, key, {})
          expect(missing.status).toBe(404)
        },
        SLOW
      )

      it(
        "find_contacts: 202 with a task, ?wait returns it finished with validated contacts stored once",
        async () => {
          const lead = await createLead()
          const submitted = await postJson(server, "/api/v1/research", key, { kind: "find_contacts", leadId: lead.id })
          expect(submitted.status).toBe(202)
          const task = await submitted.json()
          expect(task).toMatchObject({ kind: "find_contacts", status: "queued", attempts: 0 })

          const waited = await raw(server, `/api/v1/research/${task.id}?wait=30s`, { key })
          expect(waited.status).toBe(200)
          const done = await waited.json()
          expect(done.status).toBe("succeeded")
          expect(done.attempts).toBe(1)
          const result = done.result
          expect(result.added.map((a: { email: string }) => a.email).sort()).toEqual([
            "ada@acme.example",
            "grace.hopper@acme.example"
          ])
          expect(result.rejected).toHaveLength(2)
          expect(result.duplicates).toHaveLength(1)

          const contacts = await (await raw(server, `/api/v1/leads/${lead.id}/contacts`, { key })).json()
          const emails = contacts.items.map((c: { email: string }) => c.email).sort()
          expect(emails).toEqual(["ada@acme.example", "grace.hopper@acme.example"])
          expect(contacts.items.every((c: { source: string }) => c.source === "research")).toBe(true)

          const plain = await raw(server, `/api/v1/research/${task.id}`, { key })
          expect(plain.status).toBe(200)
          expect((await plain.json()).status).toBe("succeeded")
        },
        SLOW
      )

      it(
        "query: answered by the in-process worker; list filters by status and pages with a cursor",
        async () => {
          const ids: Array<string> = []
          for (const question of ["who makes forklifts?", "what is a pallet?", "why drones?"]) {
            const submitted = await postJson(server, "/api/v1/research", key, { kind: "query", query: question })
            expect(submitted.status).toBe(202)
            ids.push((await submitted.json()).id)
          }
          for (const id of ids) {
            const done = await (await raw(server, `/api/v1/research/${id}?wait=30s`, { key })).json()
            expect(done.status).toBe("succeeded")
            expect(done.result.answer).toMatch(/^Answer to: /)
          }
          const first = await (await raw(server, "/api/v1/research?status=succeeded&limit=2", { key })).json()
          expect(first.items).toHaveLength(2)
          expect(first.nextCursor).not.toBeNull()
          const second = await (
            await raw(
              server,
              `/api/v1/research?status=succeeded&limit=200&cursor=${encodeURIComponent(first.nextCursor)}`,
              {
                key
              }
            )
          ).json()
          const listed = [...first.items, ...second.items].map((t: { id: string }) => t.id)
          for (const id of ids) expect(listed).toContain(id)
          expect(new Set(listed).size).toBe(listed.length)

          const queued = await (await raw(server, "/api/v1/research?status=failed", { key })).json()
          expect(queued.items).toEqual([])

          const badStatus = await raw(server, "/api/v1/research?status=done", { key })
          expect(badStatus.status).toBe(400)
          expect((await badStatus.json()).errors[0].field).toBe("status")
        },
        SLOW
      )

      it(
        "cancel: a running task is cancelled and ?wait reports it; cancelling again changes nothing",
        async () => {
          const submitted = await postJson(server, "/api/v1/research", key, { kind: "query", query: "a slow question" })
          const task = await submitted.json()
          // wait until the worker has claimed it
          for (let i = 0; i < 200; i++) {
            const now = await (await raw(server, `/api/v1/research/${task.id}`, { key })).json()
            if (now.status === "running") break
            await new Promise((r) => setTimeout(r, 25))
          }
          const pending = await raw(server, `/api/v1/research/${task.id}?wait=100ms`, { key })
          expect(pending.status).toBe(202)
          expect((await pending.json()).status).toBe("running")

          const cancelled = await postJson(server, `/api/v1/research/${task.id}/cancel`, key, {})
          expect(cancelled.status).toBe(200)
          expect((await cancelled.json()).status).toBe("cancelled")
          const again = await postJson(server, `/api/v1/research/${task.id}/cancel`, key, {})
          expect((await again.json()).status).toBe("cancelled")
          const finished = await raw(server, `/api/v1/research/${task.id}?wait=5s`, { key })
          expect(finished.status).toBe(200)
          expect((await finished.json()).status).toBe("cancelled")
        },
        SLOW
      )

      it("validates requests, naming the fields", async () => {
        const noLead = await postJson(server, "/api/v1/research", key, { kind: "find_contacts" })
        expect(noLead.status).toBe(422)
        expect((await noLead.json()).errors.map((e: { field: string }) => e.field)).toContain("leadId")

        const empty = await postJson(server, "/api/v1/research", key, { kind: "query", query: " " })
        expect(empty.status).toBe(422)
        expect((await empty.json()).errors).toContainEqual(expect.objectContaining({ field: "query" }))

        const unknown = await postJson(server, "/api/v1/research", key, { kind: "query", query: "x", colour: "red" })
        expect(unknown.status).toBe(400)
        expect((await unknown.json()).errors.map((e: { field: string }) => e.field)).toContain("colour")

        const wait = await raw(server, `/api/v1/research/${crypto.randomUUID()}?wait=2h`, { key })
        expect(wait.status).toBe(400)
        expect((await wait.json()).errors[0].field).toBe("wait")
      })

      it(
        "another organization's tasks and leads are not found",
        async () => {
          const lead = await createLead()
          const submitted = await postJson(server, "/api/v1/research", key, { kind: "query", query: "mine" })
          const task = await submitted.json()
          const other = await server.newOrganization()

          expect((await raw(server, `/api/v1/research/${task.id}`, { key: other.key })).status).toBe(404)
          expect((await postJson(server, `/api/v1/research/${task.id}/cancel`, other.key, {})).status).toBe(404)
          expect((await postJson(server, `/api/v1/leads/${lead.id}/enrich`, other.key, {})).status).toBe(404)
          const foreignLead = await postJson(server, "/api/v1/research", other.key, {
            kind: "find_contacts",
            leadId: lead.id
          })
          expect(foreignLead.status).toBe(404)
          const list = await (await raw(server, "/api/v1/research", { key: other.key })).json()
          expect(list.items).toEqual([])
        },
        SLOW
      )
    }
  )

describe("without a model (no GROQ_API_KEY)", () => {
  let server: RunningServer

  beforeAll(async () => {
    server = await startServer((await pglite.persistence())!, { ...pglite.env, GROQ_API_KEY: "" })
  }, SLOW)
  afterAll(async () => {
    await server?.close()
  })

  it("says llm: not_configured, answers 503 on AI endpoints explaining GROQ_API_KEY, and the rest works", async () => {
    const health = await (await raw(server, "/health")).json()
    expect(health.services.llm).toBe("not_configured")
    expect(health.status).toBe("healthy")

    const key = server.adminKey
    const lead = await (await postJson(server, "/api/v1/leads", key, { companyName: "Acme" })).json()
    for (const [path, body] of [
      [`/api/v1/leads/${lead.id}/enrich`, {}],
      ["/api/v1/research", { kind: "query", query: "hello" }]
    ] as const) {
      const response = await postJson(server, path, key, body)
      expect(response.status).toBe(503)
      expect(response.headers.get("content-type")).toContain("application/problem+json")
      const problem = await response.json()
      expect(problem.code).toBe("llm_not_configured")
      expect(problem.detail).toContain("GROQ_API_KEY")
    }
    const list = await raw(server, "/api/v1/research", { key })
    expect(list.status).toBe(200)
    expect((await list.json()).items).toEqual([])
    expect((await raw(server, `/api/v1/leads/${lead.id}`, { key })).status).toBe(200)
  })
})
