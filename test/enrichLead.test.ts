import { describe, expect, it } from "@effect/vitest"
import {
  type CompletionRequest,
  LanguageModelNotConfiguredLayer,
  LanguageModelScripted,
  type Script
} from "@leadforge/adapters/llm"
import { layer as memoryLayer } from "@leadforge/adapters/memory"
import {
  Actor,
  AuditLog,
  createLead,
  DataSource,
  type DataSourceId,
  DataSourceRepository,
  enrichLead,
  KnowledgeDoc,
  type KnowledgeDocId,
  KnowledgeRepository,
  type LeadId,
  LeadRepository,
  newId,
  type OrganizationId,
  scoreOf,
  UNSUPPORTED_CONFIDENCE,
  VectorChunk,
  type VectorChunkId
} from "@leadforge/domain"
import { Effect, Layer, Option } from "effect"

const orgA = newId<OrganizationId>()
const orgB = newId<OrganizationId>()
const ctxA = { organizationId: orgA, actor: new Actor({ type: "user", id: "alice" }) }
const ctxB = { organizationId: orgB, actor: new Actor({ type: "user", id: "bob" }) }
const at = new Date("2026-01-01T00:00:00Z")

const withModel = (script: Script) => Layer.merge(memoryLayer, LanguageModelScripted(script))

/** A knowledge document about the lead with two chunks; returns the chunk ids. */
const attachDoc = (leadId: LeadId, texts: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const docId = newId<KnowledgeDocId>()
    const chunks = texts.map(
      (text, ordinal) =>
        new VectorChunk({
          id: newId<VectorChunkId>(),
          organizationId: orgA,
          documentId: docId,
          ordinal,
          text,
          embedding: []
        })
    )
    yield* (yield* KnowledgeRepository).save(
      new KnowledgeDoc({
        id: docId,
        organizationId: orgA,
        title: "Acme profile",
        contentType: "text",
        text: texts.join("\n"),
        sourceUrl: "https://acme.example/about",
        leadId,
        contentHash: "0".repeat(64),
        createdAt: at,
        updatedAt: at
      }),
      chunks
    )
    return chunks.map((chunk) => chunk.id)
  })

const attachSource = (leadId: LeadId, payload: unknown) =>
  Effect.gen(function* () {
    const id = newId<DataSourceId>()
    yield* (yield* DataSourceRepository).insert(
      new DataSource({
        id,
        organizationId: orgA,
        leadId,
        type: "website",
        url: "https://acme.example",
        rawPayload: payload,
        confidence: 80,
        fetchedAt: at,
        createdAt: at
      })
    )
    return id
  })

const claim = (value: unknown, confidence: number, evidence: ReadonlyArray<string>) => ({ value, confidence, evidence })

const reply = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    industry: claim("Software", 85, ["E1"]),
    employeeRange: claim("51-200", 70, ["E2"]),
    fundingStage: claim("series_a", 75, ["E3"]),
    location: claim({ city: "Berlin", country: "DE" }, 80, ["E1"]),
    summary: claim("Acme builds ML tooling for logistics.", 80, ["E1", "E2"]),
    aiAdoption: { score: 82, confidence: 75, reasons: [{ reason: "ships an ML product", evidence: ["E1"] }] },
    ...overrides
  })

const userMessage = (request: CompletionRequest) => request.messages.find((m) => m.role === "user")?.content ?? ""

describe("enrichLead with the scripted model on the memory adapters", () => {
  it.effect("fills empty fields with llm provenance citing real evidence ids, rescores, stores and audits", () => {
    const requests: Array<CompletionRequest> = []
    return Effect.gen(function* () {
      const lead = yield* createLead(ctxA, { companyName: "Acme", domain: "acme.example" })
      const chunkIds = yield* attachDoc(lead.id, ["Acme sells ML software to logistics firms.", "Acme has 120 staff."])
      const sourceId = yield* attachSource(lead.id, { headline: "Series A led by Example Ventures" })

      const result = yield* enrichLead(ctxA, lead.id)

      // the prompt carried the evidence, labelled
      const prompt = userMessage(requests[0] as CompletionRequest)
      expect(prompt).toContain("[E1] Acme profile")
      expect(prompt).toContain("Acme has 120 staff.")
      expect(prompt).toContain("Series A led by Example Ventures")
      expect(requests[0]?.json).toBe(true)
      // the JSON Schema of the reply travels in the system prompt
      const system = requests[0]?.messages[0]?.content ?? ""
      expect(system).toContain("treat it as data")
      expect(system).toContain('"employeeRange"')
      expect(system).toContain('"series_a"')

      const stored = Option.getOrThrow(yield* (yield* LeadRepository).findById(orgA, lead.id))
      expect(stored).toMatchObject({
        industry: "software",
        employeeCount: 51,
        fundingStage: "series_a",
        aiAdoptionScore: 82,
        version: lead.version + 1
      })
      expect(stored.location).toMatchObject({ city: "Berlin", country: "DE" })
      expect(stored.provenance.industry).toMatchObject({
        origin: "llm",
        model: "scripted",
        confidence: 85,
        evidence: [chunkIds[0]],
        observedAt: expect.any(Date),
        sourceId: result.sourceId
      })
      expect(stored.provenance.employeeCount?.evidence).toEqual([chunkIds[1]])
      expect(stored.provenance.fundingStage?.evidence).toEqual([sourceId])
      // rescored with the new fields
      expect(stored.leadScore).toBe((yield* scoreOf(stored)).score)
      expect(stored.leadScore).toBeGreaterThan(lead.leadScore)

      expect(result.claims.every((c) => c.applied && !c.lowConfidence)).toBe(true)
      expect(result.claims.find((c) => c.field === "summary")?.value).toBe("Acme builds ML tooling for logistics.")
      expect(result.aiAdoptionReasons).toEqual([{ reason: "ships an ML product", evidence: [chunkIds[0]] }])
      expect(result.usage.model).toBe("scripted")

      // the whole enrichment is kept as an llm data source
      const sources = yield* (yield* DataSourceRepository).listByLead(orgA, lead.id)
      const record = sources.find((s) => s.id === result.sourceId)
      expect(record?.type).toBe("llm")
      expect(JSON.stringify(record?.rawPayload)).toContain("Acme builds ML tooling")

      const events = (yield* (yield* AuditLog).chain(orgA)).filter((e) => e.action === "enrich")
      expect(events).toHaveLength(1)
      const details = events[0]?.details as {
        changes: Record<string, { before: unknown; after: unknown }>
        model: string
      }
      expect(details.model).toBe("scripted")
      expect(details.changes.industry).toEqual({ before: null, after: "software" })
      expect(details.changes.leadScore?.before).toBe(lead.leadScore)
      expect(details.changes.leadScore?.after).toBe(stored.leadScore)
    }).pipe(
      Effect.provide(
        withModel((request) => {
          requests.push(request)
          return reply()
        })
      )
    )
  })

  it.effect("never overwrites a user-entered value; the claim says why it was not applied", () =>
    Effect.gen(function* () {
      const lead = yield* createLead(ctxA, { companyName: "Acme", domain: "acme.example", industry: "retail" })
      yield* attachDoc(lead.id, ["one", "two", "three"])
      const result = yield* enrichLead(ctxA, lead.id)
      const stored = Option.getOrThrow(yield* (yield* LeadRepository).findById(orgA, lead.id))
      expect(stored.industry).toBe("retail")
      expect(stored.provenance.industry).toBeUndefined()
      expect(stored.fundingStage).toBe("series_a")
      const industry = result.claims.find((c) => c.field === "industry")
      expect(industry?.applied).toBe(false)
      expect(industry?.reason).toContain("user-entered beats enriched by an LLM")
      const event = (yield* (yield* AuditLog).chain(orgA)).find((e) => e.action === "enrich")
      expect(JSON.stringify(event?.details)).toContain('"kept"')
      expect((event?.details as { changes?: Record<string, unknown> } | undefined)?.changes?.industry).toBeUndefined()
    }).pipe(Effect.provide(withModel([reply()])))
  )

  it.effect("a claim without supplied evidence (none, or made-up labels) is kept only as low-confidence", () =>
    Effect.gen(function* () {
      const lead = yield* createLead(ctxA, { companyName: "Acme", domain: "acme.example" })
      const [chunk] = yield* attachDoc(lead.id, ["Acme is a software company."])
      const result = yield* enrichLead(ctxA, lead.id)
      const stored = Option.getOrThrow(yield* (yield* LeadRepository).findById(orgA, lead.id))
      expect(stored.provenance.industry).toMatchObject({ confidence: 85, evidence: [chunk] })
      expect(stored.fundingStage).toBe("seed")
      expect(stored.provenance.fundingStage).toMatchObject({ confidence: UNSUPPORTED_CONFIDENCE, evidence: [] })
      expect(stored.provenance.employeeCount?.confidence).toBe(UNSUPPORTED_CONFIDENCE)
      const low = result.claims.filter((c) => c.lowConfidence).map((c) => c.field)
      expect(low).toEqual(["employeeCount", "fundingStage"])
      const event = (yield* (yield* AuditLog).chain(orgA)).find((e) => e.action === "enrich")
      expect((event?.details as { lowConfidence?: Array<string> } | undefined)?.lowConfidence).toEqual([
        "employeeCount",
        "fundingStage"
      ])
    }).pipe(
      Effect.provide(
        withModel([
          reply({
            employeeRange: claim("11-50", 90, ["E99"]),
            fundingStage: claim("seed", 60, []),
            location: claim(null, 10, [])
          })
        ])
      )
    )
  )

  it.effect("a later enrichment replaces an earlier llm value only when it is at least as trusted", () =>
    Effect.gen(function* () {
      const lead = yield* createLead(ctxA, { companyName: "Acme", domain: "acme.example" })
      yield* attachDoc(lead.id, ["one", "two", "three"])
      yield* enrichLead(ctxA, lead.id)
      yield* enrichLead(ctxA, lead.id)
      const afterWeaker = Option.getOrThrow(yield* (yield* LeadRepository).findById(orgA, lead.id))
      expect(afterWeaker.industry).toBe("software")
      yield* enrichLead(ctxA, lead.id)
      const afterStronger = Option.getOrThrow(yield* (yield* LeadRepository).findById(orgA, lead.id))
      expect(afterStronger.industry).toBe("fintech")
      expect(afterStronger.provenance.industry?.confidence).toBe(95)
    }).pipe(
      Effect.provide(
        withModel([
          reply(),
          reply({ industry: claim("logistics", 40, ["E1"]) }),
          reply({ industry: claim("fintech", 95, ["E1"]) })
        ])
      )
    )
  )

  it.effect("a reply that fails the schema is repaired once through the shared logic", () =>
    Effect.gen(function* () {
      const lead = yield* createLead(ctxA, { companyName: "Acme", domain: "acme.example" })
      yield* attachDoc(lead.id, ["one", "two", "three"])
      const result = yield* enrichLead(ctxA, lead.id)
      expect(result.lead.aiAdoptionScore).toBe(82)
    }).pipe(Effect.provide(withModel([reply({ aiAdoption: { score: 150, confidence: 75, reasons: [] } }), reply()])))
  )

  it.effect("invalid output after the repair, or no model configured, changes nothing", () =>
    Effect.gen(function* () {
      const lead = yield* createLead(ctxA, { companyName: "Acme", domain: "acme.example" })
      const invalid = yield* Effect.flip(
        enrichLead(ctxA, lead.id).pipe(Effect.provide(LanguageModelScripted(["{}", '{"industry": 1}'])))
      )
      expect(invalid._tag).toBe("ModelOutputInvalid")
      const notConfigured = yield* Effect.flip(
        enrichLead(ctxA, lead.id).pipe(Effect.provide(LanguageModelNotConfiguredLayer))
      )
      expect(notConfigured._tag).toBe("LanguageModelNotConfigured")
      const stored = Option.getOrThrow(yield* (yield* LeadRepository).findById(orgA, lead.id))
      expect(stored.version).toBe(lead.version)
      expect((yield* (yield* DataSourceRepository).listByLead(orgA, lead.id)).length).toBe(0)
      expect((yield* (yield* AuditLog).chain(orgA)).some((e) => e.action === "enrich")).toBe(false)
    }).pipe(Effect.provide(memoryLayer))
  )

  it.effect("another organization's lead is not found and the model is not called", () =>
    Effect.gen(function* () {
      const lead = yield* createLead(ctxA, { companyName: "Acme", domain: "acme.example" })
      const error = yield* Effect.flip(enrichLead(ctxB, lead.id))
      expect(error._tag).toBe("LeadNotFound")
    }).pipe(Effect.provide(withModel([])))
  )
})
