import { Effect, Option } from "effect"
import { FieldIssue, ValidationFailed } from "../errors.js"
import type { KnowledgeDocId, LeadId, VectorChunkId } from "../model/ids.js"
import type { KnowledgeDoc, VectorChunk } from "../model/Knowledge.js"
import { Embedder } from "../ports/Embedder.js"
import { KnowledgeRepository } from "../ports/KnowledgeRepository.js"
import { VectorIndex } from "../ports/VectorIndex.js"
import { ensureCompatible } from "./knowledge.js"
import type { UseCaseContext } from "./UseCaseContext.js"

export const SEARCH_MODES = ["hybrid", "vector", "text"] as const
export type SearchMode = (typeof SEARCH_MODES)[number]
export type SearchSignal = "text" | "vector"

export interface SearchInput {
  readonly query: string
  /** Hits to return, 1–100; default 10. */
  readonly k?: number
  readonly documentId?: KnowledgeDocId
  readonly leadId?: LeadId
  readonly mode?: SearchMode
}

export interface SearchHit {
  readonly chunk: { readonly id: VectorChunkId; readonly ordinal: number; readonly text: string }
  readonly document: KnowledgeDoc
  /** Reciprocal-rank-fusion score: the sum of 1/(60 + rank) over the signals that found the chunk. */
  readonly score: number
  readonly signals: ReadonlyArray<SearchSignal>
  /** Cosine similarity when the vector signal found it. */
  readonly vectorScore: number | null
  readonly vectorRank: number | null
  readonly textRank: number | null
}

/** The constant of reciprocal rank fusion (Cormack et al. 2009). */
export const RRF_K = 60
export const MAX_K = 100
export const MAX_QUERY_CHARS = 2_000

/** Fuses ranked lists of ids: score(id) = Σ 1 / (RRF_K + rank). Ties break by id for a stable order. */
export const reciprocalRankFusion = <S extends string>(
  lists: ReadonlyArray<{ readonly signal: S; readonly ids: ReadonlyArray<string> }>
): ReadonlyArray<{ readonly id: string; readonly score: number; readonly ranks: Partial<Record<S, number>> }> => {
  const fused = new Map<string, { score: number; ranks: Partial<Record<S, number>> }>()
  for (const { signal, ids } of lists) {
    ids.forEach((id, i) => {
      const entry = fused.get(id) ?? { score: 0, ranks: {} as Partial<Record<S, number>> }
      if (entry.ranks[signal] !== undefined) return
      entry.score += 1 / (RRF_K + i + 1)
      entry.ranks[signal] = i + 1
      fused.set(id, entry)
    })
  }
  return [...fused.entries()]
    .map(([id, e]) => ({ id, score: e.score, ranks: e.ranks }))
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
}

export const searchInputIssues = (input: SearchInput): ReadonlyArray<FieldIssue> => {
  const issues: Array<FieldIssue> = []
  if (typeof input.query !== "string" || input.query.trim() === "") {
    issues.push(new FieldIssue({ field: "query", code: "required", message: "must not be empty" }))
  } else if (input.query.length > MAX_QUERY_CHARS) {
    issues.push(
      new FieldIssue({ field: "query", code: "too_long", message: `must be at most ${MAX_QUERY_CHARS} characters` })
    )
  }
  if (input.k !== undefined && (!Number.isInteger(input.k) || input.k < 1 || input.k > MAX_K)) {
    issues.push(new FieldIssue({ field: "k", code: "out_of_range", message: `must be an integer from 1 to ${MAX_K}` }))
  }
  if (input.mode !== undefined && !SEARCH_MODES.includes(input.mode)) {
    issues.push(
      new FieldIssue({ field: "mode", code: "invalid", message: `must be one of ${SEARCH_MODES.join(", ")}` })
    )
  }
  return issues
}

/**
 * Hybrid search over the knowledge base: full-text (stemmed) and vector results, each fetched deeper than k,
 * fused by reciprocal rank fusion. Each hit names the chunk, its document, the fused score and the signals
 * that found it. Vectors whose chunk no longer exists are skipped.
 */
export const searchKnowledge = (ctx: UseCaseContext, input: SearchInput) =>
  Effect.gen(function* () {
    const issues = searchInputIssues(input)
    if (issues.length > 0) return yield* Effect.fail(new ValidationFailed({ entity: "search", issues }))
    const repo = yield* KnowledgeRepository
    const index = yield* VectorIndex
    const embedder = yield* Embedder
    const k = input.k ?? 10
    const depth = Math.min(MAX_K, Math.max(20, k * 3))
    const mode = input.mode ?? "hybrid"
    const organizationId = ctx.organizationId
    const filter = {
      organizationId,
      kind: "chunk",
      ...(input.documentId === undefined ? {} : { documentId: input.documentId }),
      ...(input.leadId === undefined ? {} : { leadId: input.leadId })
    }
    const vectorSearch =
      mode === "text"
        ? Effect.succeed([])
        : Effect.gen(function* () {
            yield* ensureCompatible(embedder, index)
            const [vector] = yield* embedder.embed([input.query])
            return yield* index.search(vector!, depth, filter)
          })
    const textSearch =
      mode === "vector"
        ? Effect.succeed([])
        : repo.searchText(organizationId, input.query, {
            limit: depth,
            ...(input.documentId === undefined ? {} : { documentId: input.documentId }),
            ...(input.leadId === undefined ? {} : { leadId: input.leadId })
          })
    const [vectorHits, textHits] = yield* Effect.all([vectorSearch, textSearch], { concurrency: 2 })
    const fused = reciprocalRankFusion<SearchSignal>([
      { signal: "text", ids: textHits.map((h) => h.chunkId) },
      { signal: "vector", ids: vectorHits.map((h) => h.id) }
    ])
    const chunks = new Map<string, VectorChunk>(
      (yield* repo.findChunks(
        organizationId,
        fused.map((f) => f.id as VectorChunkId)
      )).map((c) => [c.id, c])
    )
    const present = fused.filter((f) => chunks.has(f.id)).slice(0, k)
    const documents = new Map<string, KnowledgeDoc>()
    for (const f of present) {
      const documentId = chunks.get(f.id)!.documentId
      if (documents.has(documentId)) continue
      const doc = yield* repo.findById(organizationId, documentId)
      if (Option.isSome(doc)) documents.set(documentId, doc.value)
    }
    const vectorScores = new Map(vectorHits.map((h) => [h.id, h.score]))
    return present.flatMap((f): ReadonlyArray<SearchHit> => {
      const chunk = chunks.get(f.id)!
      const document = documents.get(chunk.documentId)
      if (document === undefined) return []
      const signals: Array<SearchSignal> = []
      if (f.ranks.text !== undefined) signals.push("text")
      if (f.ranks.vector !== undefined) signals.push("vector")
      return [
        {
          chunk: { id: chunk.id, ordinal: chunk.ordinal, text: chunk.text },
          document,
          score: f.score,
          signals,
          vectorScore: vectorScores.get(f.id) ?? null,
          vectorRank: f.ranks.vector ?? null,
          textRank: f.ranks.text ?? null
        }
      ]
    })
  }).pipe(Effect.withSpan("searchKnowledge"))
