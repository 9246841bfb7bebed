import { describe, expect, it, type Vitest } from "@effect/vitest"
import { makeEmbedderHashing } from "@leadforge/adapters/embeddings"
import {
  type ActivityRepository,
  type AuditLog,
  type ContactRepository,
  createLead,
  DEFAULT_MAX_DOCUMENT_BYTES,
  DocumentTooLarge,
  deleteDocument,
  Embedder,
  IndexMismatch,
  indexLeads,
  ingestDocument,
  type KnowledgeDocId,
  KnowledgeRepository,
  type LeadRepository,
  listDocuments,
  reindexOrganization,
  searchKnowledge,
  searchLeads,
  similarLeads,
  type Transactor,
  Unavailable,
  UniqueConflict,
  ValidationFailed,
  VectorIndex
} from "@leadforge/domain"
import { Effect, Exit, Layer, Option } from "effect"
import { resolvePostgres } from "../../packages/adapters/test/support/databases.js"
import { freshContext } from "./support.js"
import { memoryWorld, pgliteWorld, postgresWorld } from "./worlds.js"

const postgres = await resolvePostgres()

const PLAYBOOK = `# Cold outreach

Open with a trigger event such as a funding round. Keep the first email short.

## Follow-ups

Follow up on day 3 and day 7 with a case study.`

const NEW_PLAYBOOK = `# Warm introductions

Ask existing customers for referrals after a successful quarterly business review.`

type Ctx = ReturnType<typeof freshContext>

/** Everything stored for the organization: documents, chunks (by document) and vectors (by a wide search). */
const stored = (ctx: Ctx) =>
  Effect.gen(function* () {
    const repo = yield* KnowledgeRepository
    const index = yield* VectorIndex
    const embedder = yield* Embedder
    const docs = yield* repo.list(ctx.organizationId)
    const chunks = (yield* Effect.forEach(docs, (d) => repo.chunks(ctx.organizationId, d.id))).flat()
    const [probe] = yield* embedder.embed(["outreach referrals email trigger customers"])
    const vectors = yield* index.search(probe!, 100, { organizationId: ctx.organizationId })
    return { docs, chunks, vectors }
  })

const issuesOf = (exit: Exit.Exit<unknown, unknown>) =>
  Exit.isFailure(exit) && exit.cause._tag === "Fail" && exit.cause.error instanceof ValidationFailed
    ? exit.cause.error.issues.map((i) => `${i.field}:${i.code}`)
    : exit

/** An embedder that fails from its `failFrom`-th call on (counting from 1). */
const failingEmbedder = (failFrom: number) => {
  const real = makeEmbedderHashing()
  let calls = 0
  return Embedder.of({
    ...real,
    embed: (texts) =>
      Effect.suspend(() =>
        ++calls >= failFrom
          ? Effect.fail(new Unavailable({ service: "embedder", reason: "HTTP 503" }))
          : real.embed(texts)
      )
  })
}

type Ports =
  | KnowledgeRepository
  | VectorIndex
  | Embedder
  | LeadRepository
  | ContactRepository
  | ActivityRepository
  | AuditLog
  | Transactor

const knowledgeSuite = (it: Vitest.MethodsNonLive<Ports>) => {
  it.effect("ingests a document into chunks and vectors, and hybrid search finds it with its signals", () =>
    Effect.gen(function* () {
      const ctx = freshContext()
      const result = yield* ingestDocument(ctx, {
        title: " Outreach playbook ",
        text: PLAYBOOK,
        contentType: "markdown"
      })
      expect(result.status).toBe("created")
      expect(result.document.title).toBe("Outreach playbook")
      expect(result.chunkCount).toBe(2)
      const { docs, chunks, vectors } = yield* stored(ctx)
      expect(docs.map((d) => d.id)).toEqual([result.document.id])
      expect(chunks.map((c) => c.text.split("\n")[0])).toEqual(["Cold outreach", "Cold outreach > Follow-ups"])
      expect(chunks.every((c) => c.embedding.length === 384)).toBe(true)
      expect(vectors.map((v) => v.id).sort()).toEqual(chunks.map((c) => c.id).sort())
      const hits = yield* searchKnowledge(ctx, { query: "when to follow up with a case study", k: 5 })
      expect(hits[0]!.chunk.text).toContain("day 3 and day 7")
      expect(hits[0]!.document.id).toBe(result.document.id)
      expect(hits[0]!.signals).toEqual(["text", "vector"])
      expect(hits[0]!.score).toBeCloseTo(2 / 61, 6)
      expect(hits[0]!.vectorScore).toBeGreaterThan(0.2)
      const textOnly = yield* searchKnowledge(ctx, { query: "funding round", mode: "text" })
      expect(textOnly.map((h) => h.signals)).toEqual([["text"]])
      expect(yield* searchKnowledge(freshContext(), { query: "follow up" })).toEqual([])
    })
  )

  it.effect("rejects empty, binary, oversized and malformed input naming the field, and stores nothing", () =>
    Effect.gen(function* () {
      const ctx = freshContext()
      const attempt = (input: Parameters<typeof ingestDocument>[1]) => Effect.exit(ingestDocument(ctx, input))
      expect(issuesOf(yield* attempt({ title: "t", text: "  \n " }))).toEqual(["text:required"])
      expect(issuesOf(yield* attempt({ title: "", text: "x" }))).toEqual(["title:required"])
      expect(issuesOf(yield* attempt({ title: "bin", text: "PK\u0003\u0004\u0000\u0000\u0014" }))).toEqual([
        "text:binary"
      ])
      // over the limit in UTF-8 bytes: refused before anything else reads the text, with the size and the limit
      const big = yield* Effect.flip(
        ingestDocument(ctx, { title: "", text: "a".repeat(DEFAULT_MAX_DOCUMENT_BYTES + 1) })
      )
      expect(big).toEqual(
        new DocumentTooLarge({ bytes: DEFAULT_MAX_DOCUMENT_BYTES + 1, limit: DEFAULT_MAX_DOCUMENT_BYTES })
      )
      const wide = yield* Effect.flip(
        ingestDocument(ctx, { title: "t", text: "é".repeat(600) }, { maxDocumentBytes: 1_000 })
      )
      expect(wide).toEqual(new DocumentTooLarge({ bytes: 1_200, limit: 1_000 }))
      const fits = yield* ingestDocument(ctx, { title: "t", text: "é".repeat(500) }, { maxDocumentBytes: 1_000 })
      expect(fits.status).toBe("created")
      yield* deleteDocument(ctx, fits.document.id)
      expect(issuesOf(yield* attempt({ title: "t", text: "x", sourceUrl: "ftp://x" }))).toEqual(["sourceUrl:invalid"])
      expect(issuesOf(yield* attempt({ title: "t", text: "x", contentType: "pdf" as unknown as "text" }))).toEqual([
        "contentType:invalid"
      ])
      expect(issuesOf(yield* attempt({ title: "t", text: "<script>x()</script>", contentType: "html" }))).toEqual([
        "text:no_content"
      ])
      expect(issuesOf(yield* attempt({ title: "t", text: "x", leadId: crypto.randomUUID() as never }))).toEqual([
        "leadId:not_found"
      ])
      const search = yield* Effect.exit(searchKnowledge(ctx, { query: " ", k: 0 }))
      expect(issuesOf(search)).toEqual(["query:required", "k:out_of_range"])
      const { docs, vectors } = yield* stored(ctx)
      expect(docs).toEqual([])
      expect(vectors).toEqual([])
    })
  )

  it.effect("re-ingesting replaces chunks and vectors; the same text again is a no-op; a copy is a conflict", () =>
    Effect.gen(function* () {
      const ctx = freshContext()
      const first = yield* ingestDocument(ctx, { title: "Playbook", text: PLAYBOOK, contentType: "markdown" })
      const before = yield* stored(ctx)
      const again = yield* ingestDocument(ctx, { title: "Playbook", text: PLAYBOOK, contentType: "markdown" })
      expect(again.status).toBe("unchanged")
      expect(again.document.id).toBe(first.document.id)
      const id = first.document.id
      const replaced = yield* ingestDocument(ctx, {
        id,
        title: "Playbook v2",
        text: NEW_PLAYBOOK,
        contentType: "markdown"
      })
      expect(replaced.status).toBe("replaced")
      expect(replaced.document.createdAt).toEqual(first.document.createdAt)
      const after = yield* stored(ctx)
      expect(after.docs.map((d) => [d.id, d.title])).toEqual([[id, "Playbook v2"]])
      expect(after.chunks.map((c) => c.text)).toEqual([
        "Warm introductions\n\nAsk existing customers for referrals after a successful quarterly business review."
      ])
      expect(after.vectors.map((v) => v.id)).toEqual(after.chunks.map((c) => c.id))
      for (const old of before.chunks) expect(after.vectors.map((v) => v.id)).not.toContain(old.id)
      const hits = yield* searchKnowledge(ctx, { query: "funding round trigger event" })
      expect(hits.every((h) => !h.chunk.text.includes("funding"))).toBe(true)
      const sameText = yield* ingestDocument(ctx, { title: "Copy", text: NEW_PLAYBOOK, contentType: "markdown" })
      expect([sameText.status, sameText.document.id]).toEqual(["unchanged", id])
      const copy = yield* Effect.flip(
        ingestDocument(ctx, {
          id: crypto.randomUUID() as KnowledgeDocId,
          title: "Copy",
          text: NEW_PLAYBOOK,
          contentType: "markdown"
        })
      )
      expect(copy).toBeInstanceOf(UniqueConflict)
    })
  )

  it.effect("deleting a document removes its chunks and vectors, and only its own", () =>
    Effect.gen(function* () {
      const ctx = freshContext()
      const a = yield* ingestDocument(ctx, { title: "A", text: PLAYBOOK, contentType: "markdown" })
      const b = yield* ingestDocument(ctx, { title: "B", text: NEW_PLAYBOOK, contentType: "markdown" })
      const removed = yield* deleteDocument(ctx, a.document.id)
      expect(removed.chunkCount).toBe(2)
      const { docs, chunks, vectors } = yield* stored(ctx)
      expect(docs.map((d) => d.id)).toEqual([b.document.id])
      expect(chunks.every((c) => c.documentId === b.document.id)).toBe(true)
      expect(vectors.map((v) => v.payload.documentId)).toEqual([b.document.id])
      const gone = yield* Effect.flip(deleteDocument(ctx, a.document.id))
      expect(gone._tag).toBe("EntityNotFound")
      expect((yield* Effect.flip(deleteDocument(freshContext(), b.document.id)))._tag).toBe("EntityNotFound")
    })
  )

  it.effect("a failed embedding call leaves nothing half-ingested (new document and re-ingest)", () =>
    Effect.gen(function* () {
      const ctx = freshContext()
      const many = Array.from({ length: 30 }, (_, i) => `Paragraph ${i} about outreach topic ${i}.`).join("\n\n")
      const failed = yield* Effect.flip(
        ingestDocument(
          ctx,
          { title: "Many", text: many },
          { batchSize: 2, chunking: { maxChars: 100, overlap: 0 } }
        ).pipe(Effect.provideService(Embedder, failingEmbedder(3)))
      )
      expect(failed).toBeInstanceOf(Unavailable)
      const empty = yield* stored(ctx)
      expect([empty.docs.length, empty.chunks.length, empty.vectors.length]).toEqual([0, 0, 0])
      const first = yield* ingestDocument(ctx, { title: "Playbook", text: PLAYBOOK, contentType: "markdown" })
      const before = yield* stored(ctx)
      yield* Effect.flip(
        ingestDocument(ctx, { id: first.document.id, title: "New", text: NEW_PLAYBOOK }).pipe(
          Effect.provideService(Embedder, failingEmbedder(1))
        )
      )
      const after = yield* stored(ctx)
      expect(after.docs.map((d) => [d.title, d.text])).toEqual([["Playbook", PLAYBOOK]])
      expect(after.chunks.map((c) => c.id)).toEqual(before.chunks.map((c) => c.id))
      expect(after.vectors.map((v) => v.id).sort()).toEqual(before.vectors.map((v) => v.id).sort())
    })
  )

  it.effect("a failed vector write rolls the document back to what it was", () =>
    Effect.gen(function* () {
      const ctx = freshContext()
      const real = yield* VectorIndex
      const broken = VectorIndex.of({
        ...real,
        upsert: (points) =>
          Effect.zipRight(
            real.upsert(points.slice(0, 1)),
            Effect.fail(new Unavailable({ service: "vectors", reason: "down" }))
          )
      })
      const failNew = yield* Effect.flip(
        ingestDocument(ctx, { title: "P", text: PLAYBOOK, contentType: "markdown" }).pipe(
          Effect.provideService(VectorIndex, broken)
        )
      )
      expect(failNew).toBeInstanceOf(Unavailable)
      const none = yield* stored(ctx)
      expect([none.docs.length, none.chunks.length, none.vectors.length]).toEqual([0, 0, 0])
      const first = yield* ingestDocument(ctx, { title: "P", text: PLAYBOOK, contentType: "markdown" })
      const before = yield* stored(ctx)
      yield* Effect.flip(
        ingestDocument(ctx, { id: first.document.id, title: "Q", text: NEW_PLAYBOOK }).pipe(
          Effect.provideService(VectorIndex, broken)
        )
      )
      const after = yield* stored(ctx)
      expect(after.docs.map((d) => d.title)).toEqual(["P"])
      expect(after.chunks.map((c) => c.id)).toEqual(before.chunks.map((c) => c.id))
      expect(after.vectors.map((v) => v.id).sort()).toEqual(before.vectors.map((v) => v.id).sort())
    })
  )

  it.effect("documents attached to a lead are found with the lead filter", () =>
    Effect.gen(function* () {
      const ctx = freshContext()
      const lead = yield* createLead(ctx, { companyName: "Acme Robotics", domain: "acme-robotics.example" })
      yield* ingestDocument(ctx, {
        title: "Acme notes",
        text: "Acme wants onboarding help for robots.",
        leadId: lead.id
      })
      yield* ingestDocument(ctx, { title: "General", text: "Onboarding help for every customer." })
      const all = yield* searchKnowledge(ctx, { query: "onboarding help" })
      expect(all).toHaveLength(2)
      const forLead = yield* searchKnowledge(ctx, { query: "onboarding help", leadId: lead.id })
      expect(forLead.map((h) => h.document.title)).toEqual(["Acme notes"])
      expect(forLead[0]!.document.leadId).toBe(lead.id)
    })
  )

  it.effect("similar leads and free-text lead search rank by profile, excluding the lead itself", () =>
    Effect.gen(function* () {
      const ctx = freshContext()
      const make = (companyName: string, industry: string, notes: string) =>
        createLead(ctx, { companyName, industry, notes, tags: [industry] })
      const a = yield* make("RoboFleet", "warehouse robotics", "Autonomous forklifts for warehouse logistics")
      const b = yield* make("PickBot", "warehouse robotics", "Robotic picking arms for warehouse fulfilment")
      const c = yield* make("TaxPilot", "accounting software", "Automated tax filing for small businesses")
      const d = yield* make("LedgerLy", "accounting software", "Bookkeeping and invoicing for freelancers")
      expect(yield* indexLeads([a, b, c, d])).toBe(4)
      const similar = yield* similarLeads(ctx, a.id, 3)
      expect(similar.map((m) => m.lead.id)).not.toContain(a.id)
      expect(similar[0]!.lead.id).toBe(b.id)
      const found = yield* searchLeads(ctx, "bookkeeping invoicing software", 2)
      expect(found[0]!.lead.id).toBe(d.id)
      expect(found.map((m) => m.lead.id)).toContain(c.id)
      // lead vectors never show up as knowledge hits
      expect(yield* searchKnowledge(ctx, { query: "warehouse robotics" })).toEqual([])
      const reindexed = yield* reindexOrganization(ctx)
      expect(reindexed.leads).toBe(4)
      expect((yield* Effect.flip(similarLeads(ctx, a.id, 0)))._tag).toBe("ValidationFailed")
    })
  )

  it.effect("searching with another embedder than the index was built with is IndexMismatch", () =>
    Effect.gen(function* () {
      const ctx = freshContext()
      const other = makeEmbedderHashing(256)
      const error = yield* Effect.flip(
        searchKnowledge(ctx, { query: "anything", mode: "vector" }).pipe(Effect.provideService(Embedder, other))
      )
      expect(error).toBeInstanceOf(IndexMismatch)
      expect(error.message).toMatch(/hashing-384 \(384 dimensions\), not hashing-256 \(256 dimensions\)/)
      const ingest = yield* Effect.flip(
        ingestDocument(ctx, { title: "x", text: "y" }).pipe(Effect.provideService(Embedder, other))
      )
      expect(ingest).toBeInstanceOf(IndexMismatch)
      expect(yield* listDocuments(ctx)).toEqual([])
    })
  )

  it.effect("KnowledgeRepository finds by content hash and by chunk ids, within the organization", () =>
    Effect.gen(function* () {
      const ctx = freshContext()
      const repo = yield* KnowledgeRepository
      const { document } = yield* ingestDocument(ctx, { title: "P", text: PLAYBOOK, contentType: "markdown" })
      const found = yield* repo.findByContentHash(ctx.organizationId, document.contentHash)
      expect(Option.map(found, (d) => d.id)).toEqual(Option.some(document.id))
      expect(Option.isNone(yield* repo.findByContentHash(freshContext().organizationId, document.contentHash))).toBe(
        true
      )
      const chunks = yield* repo.chunks(ctx.organizationId, document.id)
      expect((yield* repo.findChunks(ctx.organizationId, [chunks[1]!.id])).map((c) => c.ordinal)).toEqual([1])
      expect(yield* repo.findChunks(freshContext().organizationId, [chunks[1]!.id])).toEqual([])
      expect(yield* repo.findById(ctx.organizationId, crypto.randomUUID() as KnowledgeDocId)).toEqual(Option.none())
    })
  )
}

describe("knowledge use cases", () => {
  it.layer(memoryWorld())("memory", knowledgeSuite)
  it.layer(pgliteWorld(), { timeout: 120_000 })("PGlite + pgvector", knowledgeSuite)
  if (postgres.kind !== "none") {
    it.layer(postgresWorld(postgres), { timeout: 120_000 })("PostgreSQL (no pgvector) + memory index", knowledgeSuite)
  } else {
    describe.skip(`PostgreSQL (skipped: ${postgres.reason})`, () => {
      it.layer(Layer.empty as never)("PostgreSQL", knowledgeSuite)
    })
  }
})
