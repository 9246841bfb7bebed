import * as SqlClient from "@effect/sql/SqlClient"
import {
  KnowledgeDoc,
  type KnowledgeDocId,
  KnowledgeRepository,
  type TextHit,
  VectorChunk,
  type VectorChunkId
} from "@leadforge/domain"
import { Effect, Layer, Option, Schema } from "effect"
import { orUnavailable } from "./errors.js"
import { vectorBackend } from "./migrations.js"
import { json } from "./rows.js"

interface DocRow {
  readonly id: string
  readonly organizationId: string
  readonly title: string
  readonly contentType: string
  readonly text: string
  readonly sourceUrl: string | null
  readonly leadId: string | null
  readonly contentHash: string
  readonly data: unknown
  readonly createdAt: Date | string
}

interface ChunkRow {
  readonly id: string
  readonly organizationId: string
  readonly documentId: string
  readonly ordinal: number
  readonly text: string
  readonly embedding: string
}

const decodeDoc = Schema.decodeUnknownSync(KnowledgeDoc)
const decodeChunk = Schema.decodeUnknownSync(VectorChunk)

const iso = (value: Date | string): string =>
  value instanceof Date ? value.toISOString() : new Date(value).toISOString()

const toDoc = (row: DocRow): KnowledgeDoc => {
  const data = (typeof row.data === "string" ? JSON.parse(row.data) : (row.data ?? {})) as { updatedAt?: string }
  return decodeDoc({
    id: row.id,
    organizationId: row.organizationId,
    title: row.title,
    contentType: row.contentType,
    text: row.text,
    sourceUrl: row.sourceUrl,
    leadId: row.leadId,
    contentHash: row.contentHash,
    createdAt: iso(row.createdAt),
    updatedAt: data.updatedAt ?? iso(row.createdAt)
  })
}

/** `[1,2]` (pgvector) or `{1,2}` (real[]) text to numbers. */
const parseEmbedding = (text: string): Array<number> => {
  const inner = text.slice(1, -1).trim()
  return inner === "" ? [] : inner.split(",").map(Number)
}

const toChunk = (row: ChunkRow): VectorChunk =>
  decodeChunk({
    id: row.id,
    organizationId: row.organizationId,
    documentId: row.documentId,
    ordinal: row.ordinal,
    text: row.text,
    embedding: parseEmbedding(row.embedding)
  })

const DOC_COLUMNS =
  "id, organization_id, title, content_type, text, source_url, lead_id, content_hash, data, created_at"

/**
 * Knowledge documents and chunks on SqlClient. Chunk embeddings are stored as pgvector `vector` or `real[]`,
 * whichever the migrations chose; full-text search ranks chunks by `ts_rank` on their English tsvector with the
 * query's terms OR-ed, so a chunk matching some of a natural-language question still ranks.
 */
export const make = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const backend = yield* vectorBackend.pipe(Effect.orDie)
  const [open, close, cast] = backend === "pgvector" ? ["[", "]", "vector"] : ["{", "}", "real[]"]
  const embeddingText = (v: ReadonlyArray<number>) => `${open}${v.join(",")}${close}`
  const docColumns = sql.literal(DOC_COLUMNS)

  const save = Effect.fn("KnowledgeRepositorySql.save")(function* (
    doc: KnowledgeDoc,
    chunks: ReadonlyArray<VectorChunk>
  ) {
    yield* sql.withTransaction(
      Effect.gen(function* () {
        yield* sql`
          INSERT INTO knowledge_docs (id, organization_id, title, content_type, text, source_url, lead_id, content_hash, data, created_at)
          VALUES (${doc.id}, ${doc.organizationId}, ${doc.title}, ${doc.contentType}, ${doc.text}, ${doc.sourceUrl},
            ${doc.leadId}, ${doc.contentHash}, ${json({ updatedAt: doc.updatedAt.toISOString() })}::jsonb, ${doc.createdAt})
          ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, content_type = EXCLUDED.content_type,
            text = EXCLUDED.text, source_url = EXCLUDED.source_url, lead_id = EXCLUDED.lead_id,
            content_hash = EXCLUDED.content_hash, data = EXCLUDED.data
          WHERE knowledge_docs.organization_id = EXCLUDED.organization_id`
        yield* sql`DELETE FROM knowledge_chunks WHERE organization_id = ${doc.organizationId} AND document_id = ${doc.id}`
        for (let i = 0; i < chunks.length; i += 500) {
          const batch = chunks.slice(i, i + 500)
          yield* sql`
            INSERT INTO knowledge_chunks (id, organization_id, document_id, ordinal, text, embedding)
            SELECT i::uuid, ${doc.organizationId}::uuid, ${doc.id}::uuid, o, t, e::${sql.literal(cast)}
            FROM unnest(
              ${batch.map((c) => c.id)}::text[],
              ${batch.map((c) => c.ordinal)}::int[],
              ${batch.map((c) => c.text)}::text[],
              ${batch.map((c) => embeddingText(c.embedding))}::text[]
            ) AS t(i, o, t, e)`
        }
      })
    )
    return doc
  }, orUnavailable)

  const findOne = (rows: ReadonlyArray<DocRow>) => Option.map(Option.fromNullable(rows[0]), toDoc)

  const findById = Effect.fn("KnowledgeRepositorySql.findById")(function* (organizationId: string, id: KnowledgeDocId) {
    return findOne(
      yield* sql<DocRow>`
      SELECT ${docColumns} FROM knowledge_docs WHERE organization_id = ${organizationId} AND id = ${id}`
    )
  }, orUnavailable)

  const findByContentHash = Effect.fn("KnowledgeRepositorySql.findByContentHash")(function* (
    organizationId: string,
    contentHash: string
  ) {
    return findOne(
      yield* sql<DocRow>`
      SELECT ${docColumns} FROM knowledge_docs WHERE organization_id = ${organizationId} AND content_hash = ${contentHash}`
    )
  }, orUnavailable)

  const list = Effect.fn("KnowledgeRepositorySql.list")(function* (organizationId: string) {
    const rows = yield* sql<DocRow>`
      SELECT ${docColumns} FROM knowledge_docs WHERE organization_id = ${organizationId}
      ORDER BY created_at DESC, id`
    return rows.map(toDoc)
  }, orUnavailable)

  const chunkColumns = sql.literal("id, organization_id, document_id, ordinal, text, embedding::text AS embedding")

  const chunks = Effect.fn("KnowledgeRepositorySql.chunks")(function* (organizationId: string, id: KnowledgeDocId) {
    const rows = yield* sql<ChunkRow>`
      SELECT ${chunkColumns} FROM knowledge_chunks
      WHERE organization_id = ${organizationId} AND document_id = ${id} ORDER BY ordinal`
    return rows.map(toChunk)
  }, orUnavailable)

  const findChunks = Effect.fn("KnowledgeRepositorySql.findChunks")(function* (
    organizationId: string,
    ids: ReadonlyArray<VectorChunkId>
  ) {
    const valid = ids.filter((id) => /^[0-9a-f-]{36}$/i.test(id))
    if (valid.length === 0) return []
    const rows = yield* sql<ChunkRow>`
      SELECT ${chunkColumns} FROM knowledge_chunks
      WHERE organization_id = ${organizationId} AND id = ANY(${valid}::uuid[])`
    return rows.map(toChunk)
  }, orUnavailable)

  const searchText = Effect.fn("KnowledgeRepositorySql.searchText")(function* (
    organizationId: string,
    query: string,
    options: { readonly limit: number; readonly documentId?: string; readonly leadId?: string }
  ) {
    const conditions = [
      sql`c.organization_id = ${organizationId}`,
      sql`c.search_tsv @@ q.query`,
      ...(options.documentId === undefined ? [] : [sql`c.document_id = ${options.documentId}`]),
      ...(options.leadId === undefined ? [] : [sql`d.lead_id = ${options.leadId}`])
    ]
    const rows = yield* sql<{ readonly id: string; readonly doc: string; readonly score: number }>`
      SELECT c.id, c.document_id AS doc, ts_rank(c.search_tsv, q.query, 1) AS score
      FROM (SELECT replace(plainto_tsquery('english', ${query})::text, ' & ', ' | ')::tsquery AS query) AS q,
        knowledge_chunks c JOIN knowledge_docs d ON d.id = c.document_id
      WHERE ${sql.and(conditions)}
      ORDER BY score DESC, c.id
      LIMIT ${Math.max(0, Math.floor(options.limit))}`
    return rows.map(
      (r, i): TextHit => ({
        chunkId: r.id as VectorChunkId,
        documentId: r.doc as KnowledgeDocId,
        rank: i + 1,
        score: Number(r.score)
      })
    )
  }, orUnavailable)

  const remove = Effect.fn("KnowledgeRepositorySql.delete")(function* (organizationId: string, id: KnowledgeDocId) {
    const rows = yield* sql`
      DELETE FROM knowledge_docs WHERE organization_id = ${organizationId} AND id = ${id} RETURNING id`
    return rows.length > 0
  }, orUnavailable)

  return KnowledgeRepository.of({
    save,
    findById,
    findByContentHash,
    list,
    chunks,
    findChunks,
    searchText,
    delete: remove
  })
})

export const KnowledgeRepositorySql: Layer.Layer<KnowledgeRepository, never, SqlClient.SqlClient> = Layer.effect(
  KnowledgeRepository,
  make
)
