import { Effect } from "effect"
import { FieldIssue, ValidationFailed } from "../errors.js"
import type { LeadId } from "../model/ids.js"
import { VectorChunk } from "../model/Knowledge.js"
import type { Lead } from "../model/Lead.js"
import { Embedder } from "../ports/Embedder.js"
import { KnowledgeRepository } from "../ports/KnowledgeRepository.js"
import { LeadRepository } from "../ports/LeadRepository.js"
import { VectorIndex } from "../ports/VectorIndex.js"
import { EMBED_BATCH_SIZE, embedAll, ensureCompatible } from "./knowledge.js"
import { MAX_K, MAX_QUERY_CHARS } from "./knowledgeSearch.js"
import { loadLead, type UseCaseContext } from "./UseCaseContext.js"

/** The text a lead is embedded as: what it is, where, how big, what it wants, and the notes about it. */
export const leadProfileText = (lead: Lead): string => {
  const lines: Array<string> = [lead.companyName]
  if (lead.domain !== null) lines.push(`Domain: ${lead.domain}`)
  if (lead.industry !== null) lines.push(`Industry: ${lead.industry}`)
  if (lead.fundingStage !== null) lines.push(`Funding stage: ${lead.fundingStage.replace(/_/g, " ")}`)
  if (lead.employeeCount !== null) lines.push(`Employees: ${lead.employeeCount}`)
  if (lead.location !== null) {
    const place = [lead.location.city, lead.location.region, lead.location.country].filter(Boolean).join(", ")
    if (place !== "") lines.push(`Location: ${place}`)
  }
  if (lead.tags.length > 0) lines.push(`Tags: ${lead.tags.join(", ")}`)
  if (lead.productInterests.length > 0) lines.push(`Interested in: ${lead.productInterests.join(", ")}`)
  if (lead.notes !== null && lead.notes.trim() !== "") lines.push(`Notes: ${lead.notes.trim()}`)
  return lines.join("\n")
}

const leadPoint = (lead: Lead, vector: ReadonlyArray<number>) => ({
  id: lead.id,
  organizationId: lead.organizationId,
  vector,
  payload: { kind: "lead", leadId: lead.id }
})

/** Embeds leads' profiles and upserts them into the index (call after a lead is created or changed). */
export const indexLeads = (leads: ReadonlyArray<Lead>) =>
  Effect.gen(function* () {
    if (leads.length === 0) return 0
    const index = yield* VectorIndex
    const embedder = yield* Embedder
    yield* ensureCompatible(embedder, index)
    const vectors = yield* embedAll(embedder, leads.map(leadProfileText))
    yield* index.upsert(leads.map((lead, i) => leadPoint(lead, vectors[i]!)))
    return leads.length
  }).pipe(Effect.withSpan("indexLeads"))

/** Re-indexes one lead by id. */
export const indexLead = (ctx: UseCaseContext, id: LeadId) =>
  Effect.flatMap(loadLead(ctx, id), (lead) => indexLeads([lead])).pipe(Effect.asVoid)

/** Removes a lead from the index (call after it is deleted). */
export const unindexLead = (ctx: UseCaseContext, id: LeadId) =>
  Effect.flatMap(VectorIndex, (index) => index.delete({ organizationId: ctx.organizationId, kind: "lead", ids: [id] }))

export interface LeadMatch {
  readonly lead: Lead
  /** Cosine similarity of the profiles. */
  readonly score: number
}

const kIssue = (k: number) =>
  Number.isInteger(k) && k >= 1 && k <= MAX_K
    ? Effect.void
    : Effect.fail(
        new ValidationFailed({
          entity: "search",
          issues: [
            new FieldIssue({ field: "k", code: "out_of_range", message: `must be an integer from 1 to ${MAX_K}` })
          ]
        })
      )

const nearestLeads = (ctx: UseCaseContext, text: string, k: number, exclude: string | null) =>
  Effect.gen(function* () {
    const index = yield* VectorIndex
    const embedder = yield* Embedder
    yield* ensureCompatible(embedder, index)
    const [vector] = yield* embedder.embed([text])
    const hits = yield* index.search(vector!, exclude === null ? k : k + 1, {
      organizationId: ctx.organizationId,
      kind: "lead"
    })
    const wanted = hits.filter((h) => h.id !== exclude).slice(0, k)
    const leads = new Map(
      (yield* (yield* LeadRepository).findByIds(
        ctx.organizationId,
        wanted.map((h) => h.id as LeadId)
      )).map((l) => [l.id, l])
    )
    return wanted.flatMap((h): ReadonlyArray<LeadMatch> => {
      const lead = leads.get(h.id as LeadId)
      return lead === undefined ? [] : [{ lead, score: h.score }]
    })
  })

/** "Companies like this one": the leads whose profiles are nearest to this lead's, itself excluded. */
export const similarLeads = (ctx: UseCaseContext, id: LeadId, k = 10) =>
  Effect.gen(function* () {
    yield* kIssue(k)
    const lead = yield* loadLead(ctx, id)
    return yield* nearestLeads(ctx, leadProfileText(lead), k, lead.id)
  }).pipe(Effect.withSpan("similarLeads"))

/** Free-text lead search by meaning. */
export const searchLeads = (ctx: UseCaseContext, query: string, k = 10) =>
  Effect.gen(function* () {
    if (query.trim() === "" || query.length > MAX_QUERY_CHARS) {
      return yield* Effect.fail(
        new ValidationFailed({
          entity: "search",
          issues: [
            new FieldIssue({
              field: "query",
              code: "invalid",
              message: `must be 1 to ${MAX_QUERY_CHARS} characters`
            })
          ]
        })
      )
    }
    yield* kIssue(k)
    return yield* nearestLeads(ctx, query, k, null)
  }).pipe(Effect.withSpan("searchLeads"))

/**
 * Re-embeds every document chunk and every lead of the organization into the current index (after the embedder
 * changed, or to repair an index). Chunk vectors keep their ids, so upserts replace them in place. Runs as one
 * bulk load of the index.
 */
export const reindexOrganization = (ctx: UseCaseContext) =>
  Effect.gen(function* () {
    const repo = yield* KnowledgeRepository
    const index = yield* VectorIndex
    const embedder = yield* Embedder
    const leadsRepo = yield* LeadRepository
    yield* ensureCompatible(embedder, index)
    // one bulk load: an approximate index may build its graph once at the end instead of row by row
    return yield* index.bulkLoad(
      Effect.gen(function* () {
        let chunkCount = 0
        const docs = yield* repo.list(ctx.organizationId)
        for (const doc of docs) {
          const chunks = yield* repo.chunks(ctx.organizationId, doc.id)
          if (chunks.length === 0) continue
          const vectors = yield* embedAll(
            embedder,
            chunks.map((c) => c.text),
            EMBED_BATCH_SIZE
          )
          // unchecked: the chunks were read as VectorChunks, embedAll checked the vectors
          const refreshed = chunks.map((c, i) => new VectorChunk({ ...c, embedding: vectors[i]! }, true))
          yield* repo.save(doc, refreshed)
          yield* index.upsert(
            refreshed.map((c) => ({
              id: c.id,
              organizationId: c.organizationId,
              vector: c.embedding,
              payload:
                doc.leadId === null
                  ? { kind: "chunk", documentId: doc.id }
                  : { kind: "chunk", documentId: doc.id, leadId: doc.leadId }
            }))
          )
          chunkCount += chunks.length
        }
        let leadCount = 0
        let cursor: string | undefined
        do {
          const page = yield* leadsRepo.list(ctx.organizationId, { limit: 200, ...(cursor ? { cursor } : {}) })
          leadCount += yield* indexLeads(page.items)
          cursor = page.nextCursor ?? undefined
        } while (cursor !== undefined)
        return { documents: docs.length, chunks: chunkCount, leads: leadCount }
      })
    )
  }).pipe(Effect.withSpan("reindexOrganization"))
