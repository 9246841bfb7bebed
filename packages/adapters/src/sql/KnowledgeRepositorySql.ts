import * as SqlClient from "@effect/sql/SqlClient"
import * as SqlSchema from "@effect/sql/SqlSchema"
import {
  KnowledgeDoc,
  KnowledgeDocId,
  KnowledgeRepository,
  OrganizationId,
  type TextHit,
  VectorChunk,
  VectorChunkId
} from "@leadforge/domain"
import { Effect, Layer, Option, Schema } from "effect"
import { PgliteDatabase } from "../pglite/PgliteClient.js"
import { inTimedBatches } from "../shared/batches.js"
import { orUnavailable } from "./errors.js"
import { vectorBackend } from "./migrations.js"
import { fromRow, json } from "./rows.js"

/** The columns a document is read from; `data` holds what has no column of its own (`updatedAt`). */
const DOC_SELECT_LIST =
  "id, organization_id, title, content_type, text, source_url, lead_id, content_hash, data, created_at"

/** The columns a chunk is read from; the embedding as text, whichever type stores it. */
const CHUNK_SELECT_LIST = "id, organization_id, document_id, ordinal, text, embedding::text AS embedding"

const DocRow = fromRow(KnowledgeDoc, ({ data, ...columns }) => {
  const stored = (typeof data === "string" ? JSON.parse(data) : (data ?? {})) as { readonly updatedAt?: string }
  return { ...columns, updatedAt: stored.updatedAt ?? columns.createdAt }
})

/** `[1,2]` (pgvector) or `{1,2}` (real[]) text to numbers. */
const parseEmbedding = (text: string): Array<number> => {
  const inner = text.slice(1, -1).trim()
  return inner === "" ? [] : inner.split(",").map(Number)
}

/**
 * Chunk rows per INSERT (each row costs a tsvector and a vector parse): on PGlite, which works in the server's
 * thread, sized to about 40 ms a statement; a PostgreSQL server works in its own process, so 500.
 */
const chunkBatches = (embedded: boolean) =>
  embedded ? { initial: 16, min: 8, max: 500, targetMs: 40 } : { initial: 500, min: 500, max: 500, targetMs: 40 }

/** An embedding parsed from its text above (numbers by construction): not checked number by number again. */
const ParsedEmbedding = Schema.declare((u): u is ReadonlyArray<number> => Array.isArray(u))

const ChunkRow = fromRow(Schema.Struct({ ...VectorChunk.fields, embedding: ParsedEmbedding }), (row) => ({
  ...row,
  embedding: parseEmbedding(String(row.embedding))
})).pipe(
  Schema.transform(Schema.instanceOf(VectorChunk), {
    strict: true,
    decode: (row) => new VectorChunk(row, true),
    encode: (chunk) => chunk
  })
)

const HitRow = Schema.Struct({
  id: VectorChunkId,
  doc: KnowledgeDocId,
  score: Schema.Union(Schema.Number, Schema.NumberFromString)
})

/**
 * Knowledge documents and chunks on SqlClient. Chunk embeddings are stored as pgvector `vector` or `real[]`,
 * whichever the migrations chose; full-text search ranks chunks by `ts_rank` on their English tsvector with the
 * query's terms OR-ed, so a chunk matching some of a natural-language question still ranks.
 */
export const make = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const backend = yield* vectorBackend.pipe(Effect.orDie)
  const chunkSizing = chunkBatches(Option.isSome(yield* Effect.serviceOption(PgliteDatabase)))
  const [open, close, cast] = backend === "pgvector" ? ["[", "]", "vector"] : ["{", "}", "real[]"]
  const embeddingText = (v: ReadonlyArray<number>) => `${open}${v.join(",")}${close}`
  const docs = sql.literal(DOC_SELECT_LIST)
  const chunkColumns = sql.literal(CHUNK_SELECT_LIST)

  const findByIdQuery = SqlSchema.findOne({
    Request: Schema.Struct({ organizationId: OrganizationId, id: KnowledgeDocId }),
    Result: DocRow,
    execute: ({ id, organizationId }) =>
      sql`SELECT ${docs} FROM knowledge_docs WHERE organization_id = ${organizationId} AND id = ${id}`
  })

  const findByContentHashQuery = SqlSchema.findOne({
    Request: Schema.Struct({ organizationId: OrganizationId, contentHash: Schema.String }),
    Result: DocRow,
    execute: ({ contentHash, organizationId }) =>
      sql`SELECT ${docs} FROM knowledge_docs WHERE organization_id = ${organizationId} AND content_hash = ${contentHash}`
  })

  const listQuery = SqlSchema.findAll({
    Request: OrganizationId,
    Result: DocRow,
    execute: (organizationId) =>
      sql`SELECT ${docs} FROM knowledge_docs WHERE organization_id = ${organizationId} ORDER BY created_at DESC, id`
  })

  const chunksQuery = SqlSchema.findAll({
    Request: Schema.Struct({ organizationId: OrganizationId, id: KnowledgeDocId }),
    Result: ChunkRow,
    execute: ({ id, organizationId }) => sql`
      SELECT ${chunkColumns} FROM knowledge_chunks
      WHERE organization_id = ${organizationId} AND document_id = ${id} ORDER BY ordinal`
  })

  const findChunksQuery = SqlSchema.findAll({
    Request: Schema.Struct({ organizationId: OrganizationId, ids: Schema.Array(Schema.String) }),
    Result: ChunkRow,
    execute: ({ ids, organizationId }) => sql`
      SELECT ${chunkColumns} FROM knowledge_chunks
      WHERE organization_id = ${organizationId} AND id = ANY(${ids}::uuid[])`
  })

  const searchTextQuery = SqlSchema.findAll({
    Request: Schema.Struct({
      organizationId: OrganizationId,
      query: Schema.String,
      limit: Schema.Int,
      documentId: Schema.UndefinedOr(Schema.String),
      leadId: Schema.UndefinedOr(Schema.String)
    }),
    Result: HitRow,
    execute: ({ documentId, leadId, limit, organizationId, query }) => {
      const conditions = [
        sql`c.organization_id = ${organizationId}`,
        sql`c.search_tsv @@ q.query`,
        ...(documentId === undefined ? [] : [sql`c.document_id = ${documentId}`]),
        ...(leadId === undefined ? [] : [sql`d.lead_id = ${leadId}`])
      ]
      return sql`
        SELECT c.id, c.document_id AS doc, ts_rank(c.search_tsv, q.query, 1) AS score
        FROM (SELECT replace(plainto_tsquery('english', ${query})::text, ' & ', ' | ')::tsquery AS query) AS q,
          knowledge_chunks c JOIN knowledge_docs d ON d.id = c.document_id
        WHERE ${sql.and(conditions)}
        ORDER BY score DESC, c.id
        LIMIT ${limit}`
    }
  })

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
        yield* inTimedBatches(
          chunks,
          chunkSizing,
          (batch) => sql`
            INSERT INTO knowledge_chunks (id, organization_id, document_id, ordinal, text, embedding)
            SELECT i::uuid, ${doc.organizationId}::uuid, ${doc.id}::uuid, o, t, e::${sql.literal(cast)}
            FROM unnest(
              ${batch.map((c) => c.id)}::text[],
              ${batch.map((c) => c.ordinal)}::int[],
              ${batch.map((c) => c.text)}::text[],
              ${batch.map((c) => embeddingText(c.embedding))}::text[]
            ) AS t(i, o, t, e)`
        )
      })
    )
    return doc
  }, orUnavailable)

  const findById = Effect.fn("KnowledgeRepositorySql.findById")(
    (organizationId: OrganizationId, id: KnowledgeDocId) => findByIdQuery({ organizationId, id }),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  const findByContentHash = Effect.fn("KnowledgeRepositorySql.findByContentHash")(
    (organizationId: OrganizationId, contentHash: string) => findByContentHashQuery({ organizationId, contentHash }),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  const list = Effect.fn("KnowledgeRepositorySql.list")(
    (organizationId: OrganizationId) => listQuery(organizationId),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  const chunks = Effect.fn("KnowledgeRepositorySql.chunks")(
    (organizationId: OrganizationId, id: KnowledgeDocId) => chunksQuery({ organizationId, id }),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  const findChunks = Effect.fn("KnowledgeRepositorySql.findChunks")(
    (organizationId: OrganizationId, ids: ReadonlyArray<VectorChunkId>) => {
      // ids that are no uuid match nothing (the cast would fail the statement)
      const valid = ids.filter((id) => /^[0-9a-f-]{36}$/i.test(id))
      return valid.length === 0 ? Effect.succeed([]) : findChunksQuery({ organizationId, ids: valid })
    },
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  const searchText = Effect.fn("KnowledgeRepositorySql.searchText")(
    function* (
      organizationId: OrganizationId,
      query: string,
      options: { readonly limit: number; readonly documentId?: string; readonly leadId?: string }
    ) {
      const rows = yield* searchTextQuery({
        organizationId,
        query,
        limit: Math.max(0, Math.floor(options.limit)),
        documentId: options.documentId,
        leadId: options.leadId
      })
      return rows.map((row, i): TextHit => ({ chunkId: row.id, documentId: row.doc, rank: i + 1, score: row.score }))
    },
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  const remove = Effect.fn("KnowledgeRepositorySql.delete")(function* (
    organizationId: OrganizationId,
    id: KnowledgeDocId
  ) {
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
