import { KnowledgeRepository, type TextHit, type VectorChunk } from "@leadforge/domain"
import { Effect, HashMap, Layer, Option, Ref } from "effect"
import { MemoryStore } from "./MemoryStore.js"

const STOPWORDS = new Set(
  "a an and are as at be but by for from has have how i in is it its of on or our that the their this to was we what when where which who why will with you your".split(
    " "
  )
)

/** Lower-cased words without stopwords, with a light suffix strip so "pricing" meets "price" and "plans" meets "plan". */
export const textTerms = (text: string): ReadonlyArray<string> =>
  (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])
    .filter((w) => !STOPWORDS.has(w))
    .map((w) => (w.length > 4 ? w.replace(/(ing|ed|es|s|e|y)$/, "") : w.replace(/s$/, "")))

/** Full text in memory: any query term matches (like the SQL adapter's OR query), scored by log term frequency. */
const scoreText = (query: ReadonlyArray<string>, chunk: VectorChunk): number => {
  const counts = new Map<string, number>()
  for (const term of textTerms(chunk.text)) counts.set(term, (counts.get(term) ?? 0) + 1)
  let score = 0
  for (const term of new Set(query)) {
    const n = counts.get(term)
    if (n !== undefined) score += 1 + Math.log(n)
  }
  return score
}

export const KnowledgeRepositoryMemory: Layer.Layer<KnowledgeRepository, never, MemoryStore> = Layer.effect(
  KnowledgeRepository,
  Effect.gen(function* () {
    const { tables } = yield* MemoryStore
    const entry = (organizationId: string, id: string) =>
      Ref.get(tables).pipe(
        Effect.map((t) =>
          HashMap.get(t.knowledge, id).pipe(Option.filter((e) => e.doc.organizationId === organizationId))
        )
      )
    return KnowledgeRepository.of({
      save: (doc, chunks) =>
        Ref.update(tables, (t) => ({ ...t, knowledge: HashMap.set(t.knowledge, doc.id, { doc, chunks }) })).pipe(
          Effect.as(doc)
        ),
      findById: (organizationId, id) => entry(organizationId, id).pipe(Effect.map(Option.map((e) => e.doc))),
      list: (organizationId) =>
        Ref.get(tables).pipe(
          Effect.map((t) =>
            Array.from(HashMap.values(t.knowledge))
              .map((e) => e.doc)
              .filter((d) => d.organizationId === organizationId)
              .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
          )
        ),
      chunks: (organizationId, id) =>
        entry(organizationId, id).pipe(
          Effect.map(
            Option.match({
              onNone: () => [],
              onSome: (e) => [...e.chunks].sort((a, b) => a.ordinal - b.ordinal)
            })
          )
        ),
      findByContentHash: (organizationId, contentHash) =>
        Ref.get(tables).pipe(
          Effect.map((t) =>
            Option.fromNullable(
              Array.from(HashMap.values(t.knowledge)).find(
                (e) => e.doc.organizationId === organizationId && e.doc.contentHash === contentHash
              )?.doc
            )
          )
        ),
      findChunks: (organizationId, ids) =>
        Ref.get(tables).pipe(
          Effect.map((t) => {
            const wanted = new Set<string>(ids)
            return Array.from(HashMap.values(t.knowledge))
              .filter((e) => e.doc.organizationId === organizationId)
              .flatMap((e) => e.chunks.filter((c) => wanted.has(c.id)))
          })
        ),
      searchText: (organizationId, query, options) =>
        Ref.get(tables).pipe(
          Effect.map((t) => {
            const terms = textTerms(query)
            if (terms.length === 0) return []
            return Array.from(HashMap.values(t.knowledge))
              .filter(
                (e) =>
                  e.doc.organizationId === organizationId &&
                  (options.documentId === undefined || e.doc.id === options.documentId) &&
                  (options.leadId === undefined || e.doc.leadId === options.leadId)
              )
              .flatMap((e) => e.chunks.map((c) => ({ chunk: c, score: scoreText(terms, c) })))
              .filter((h) => h.score > 0)
              .sort((a, b) => b.score - a.score || (a.chunk.id < b.chunk.id ? -1 : 1))
              .slice(0, Math.max(0, options.limit))
              .map(
                (h, i): TextHit => ({
                  chunkId: h.chunk.id,
                  documentId: h.chunk.documentId,
                  rank: i + 1,
                  score: h.score
                })
              )
          })
        ),
      delete: (organizationId, id) =>
        Ref.modify(tables, (t) => {
          const found = HashMap.get(t.knowledge, id).pipe(Option.filter((e) => e.doc.organizationId === organizationId))
          return Option.isSome(found)
            ? ([true, { ...t, knowledge: HashMap.remove(t.knowledge, id) }] as const)
            : ([false, t] as const)
        })
    })
  })
)
