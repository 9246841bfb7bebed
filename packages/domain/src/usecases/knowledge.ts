import { sha256 } from "@noble/hashes/sha2.js"
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js"
import { Effect, Option } from "effect"
import {
  DocumentTooLarge,
  EntityNotFound,
  FieldIssue,
  Unavailable,
  UniqueConflict,
  ValidationFailed
} from "../errors.js"
import { type KnowledgeDocId, type LeadId, newId, type VectorChunkId } from "../model/ids.js"
import { type ContentType, KnowledgeDoc, VectorChunk } from "../model/Knowledge.js"
import { Embedder } from "../ports/Embedder.js"
import { KnowledgeRepository } from "../ports/KnowledgeRepository.js"
import { LeadRepository } from "../ports/LeadRepository.js"
import { IndexMismatch, VectorIndex, type VectorPoint } from "../ports/VectorIndex.js"
import { binaryContentReason, type ChunkOptions, chunkDocument, DEFAULT_CHUNK_OPTIONS } from "../rules/chunking.js"
import { currentDate, type UseCaseContext } from "./UseCaseContext.js"

/** Largest document text accepted by default, in UTF-8 bytes (2 MiB; KNOWLEDGE_MAX_DOCUMENT_BYTES). */
export const DEFAULT_MAX_DOCUMENT_BYTES = 2 * 1024 * 1024
/** Texts per embedding call. */
export const EMBED_BATCH_SIZE = 64

export interface IngestDocumentInput {
  /** Re-ingest (replace) this document; a new id is made when absent. */
  readonly id?: KnowledgeDocId
  readonly title: string
  readonly text: string
  readonly contentType?: ContentType
  readonly sourceUrl?: string | null
  readonly leadId?: LeadId | null
}

export interface IngestOptions {
  readonly chunking?: ChunkOptions
  readonly batchSize?: number
  /** Largest text accepted, in UTF-8 bytes (default DEFAULT_MAX_DOCUMENT_BYTES); a larger one is DocumentTooLarge. */
  readonly maxDocumentBytes?: number
}

export interface IngestResult {
  readonly document: KnowledgeDoc
  readonly chunkCount: number
  /** `unchanged` when the same text was already stored under this document. */
  readonly status: "created" | "replaced" | "unchanged"
}

export const contentHash = (text: string): string => bytesToHex(sha256(utf8ToBytes(text)))

const CONTENT_TYPES: ReadonlyArray<ContentType> = ["text", "markdown", "html"]

const issue = (field: string, code: string, message: string) => new FieldIssue({ field, code, message })

/** The length of `text` in UTF-8 bytes (a lone surrogate counts as the 3 bytes of its replacement character). */
export const utf8ByteLength = (text: string): number => {
  let bytes = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x80) bytes += 1
    else if (code < 0x800) bytes += 2
    else if (code >= 0xd800 && code < 0xdc00 && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1)
      if (next >= 0xdc00 && next < 0xe000) {
        bytes += 4
        i++
      } else bytes += 3
    } else bytes += 3
  }
  return bytes
}

/** Fails with DocumentTooLarge when `text` is over `limit` UTF-8 bytes (checked before anything reads the text). */
export const checkDocumentSize = (text: unknown, limit: number = DEFAULT_MAX_DOCUMENT_BYTES) => {
  if (typeof text !== "string" || text.length <= limit / 3) return Effect.void
  const bytes = utf8ByteLength(text)
  return bytes > limit ? Effect.fail(new DocumentTooLarge({ bytes, limit })) : Effect.void
}

/** The reasons an ingest request cannot be accepted, by field; empty when it can. */
export const knowledgeInputIssues = (input: IngestDocumentInput): ReadonlyArray<FieldIssue> => {
  const issues: Array<FieldIssue> = []
  const title = typeof input.title === "string" ? input.title.trim() : ""
  if (title === "") issues.push(issue("title", "required", "must not be empty"))
  else if (title.length > 500) issues.push(issue("title", "too_long", "must be at most 500 characters"))
  if (typeof input.text !== "string" || input.text.trim() === "") {
    issues.push(issue("text", "required", "must not be empty"))
  } else {
    const binary = binaryContentReason(input.text)
    if (binary !== null) issues.push(issue("text", "binary", binary))
  }
  if (input.contentType !== undefined && !CONTENT_TYPES.includes(input.contentType)) {
    issues.push(issue("contentType", "invalid", `must be one of ${CONTENT_TYPES.join(", ")}`))
  }
  if (input.sourceUrl !== undefined && input.sourceUrl !== null) {
    if (!/^https?:\/\/[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?$/i.test(input.sourceUrl) || input.sourceUrl.length > 2048)
      issues.push(issue("sourceUrl", "invalid", "must be an http or https URL of at most 2048 characters"))
  }
  return issues
}

/** Fails with IndexMismatch when the index was built by another embedder or dimension. */
export const ensureCompatible = (embedder: Embedder.Service, index: VectorIndex.Service) =>
  index.spec.embedderId === embedder.modelId && index.spec.dimension === embedder.dimension
    ? Effect.void
    : Effect.fail(
        new IndexMismatch({
          index: index.spec.name,
          expected: `${index.spec.embedderId} (${index.spec.dimension} dimensions)`,
          actual: `${embedder.modelId} (${embedder.dimension} dimensions)`
        })
      )

/** Embeds `texts` in batches of `batchSize`; a wrong count or dimension from the embedder is Unavailable. */
export const embedAll = (embedder: Embedder.Service, texts: ReadonlyArray<string>, batchSize = EMBED_BATCH_SIZE) =>
  Effect.gen(function* () {
    const out: Array<ReadonlyArray<number>> = []
    for (let i = 0; i < texts.length; i += batchSize) {
      const batch = texts.slice(i, i + batchSize)
      const vectors = yield* embedder.embed(batch)
      if (vectors.length !== batch.length || vectors.some((v) => v.length !== embedder.dimension)) {
        return yield* Effect.fail(
          new Unavailable({
            service: `embedder ${embedder.modelId}`,
            reason: `returned ${vectors.length} vectors for ${batch.length} texts or a dimension other than ${embedder.dimension}`
          })
        )
      }
      out.push(...vectors)
    }
    return out
  })

const chunkPoint = (chunk: VectorChunk, leadId: LeadId | null): VectorPoint => ({
  id: chunk.id,
  organizationId: chunk.organizationId,
  vector: chunk.embedding,
  payload:
    leadId === null
      ? { kind: "chunk", documentId: chunk.documentId }
      : { kind: "chunk", documentId: chunk.documentId, leadId }
})

/**
 * Ingests a document: validate, chunk, embed every chunk (nothing is written if any embedding call fails), store
 * the document with its chunks, then upsert the vectors. Re-ingesting a document replaces its chunks and vectors;
 * if the vector write fails the previous state is restored, so no half-ingested document remains.
 */
export const ingestDocument = (ctx: UseCaseContext, input: IngestDocumentInput, options: IngestOptions = {}) =>
  Effect.gen(function* () {
    yield* checkDocumentSize(input.text, options.maxDocumentBytes)
    const issues = knowledgeInputIssues(input)
    if (issues.length > 0) return yield* Effect.fail(new ValidationFailed({ entity: "knowledge document", issues }))
    const repo = yield* KnowledgeRepository
    const index = yield* VectorIndex
    const embedder = yield* Embedder
    yield* ensureCompatible(embedder, index)
    const organizationId = ctx.organizationId
    const leadId = input.leadId ?? null
    if (leadId !== null) {
      const lead = yield* (yield* LeadRepository).findById(organizationId, leadId)
      if (Option.isNone(lead)) {
        return yield* Effect.fail(
          new ValidationFailed({
            entity: "knowledge document",
            issues: [issue("leadId", "not_found", `no lead with id ${leadId} in this organization`)]
          })
        )
      }
    }
    const hash = contentHash(input.text)
    const existing = input.id === undefined ? Option.none() : yield* repo.findById(organizationId, input.id)
    const sameText = yield* repo.findByContentHash(organizationId, hash)
    if (Option.isSome(sameText)) {
      if (input.id === undefined || sameText.value.id === input.id) {
        const chunks = yield* repo.chunks(organizationId, sameText.value.id)
        return { document: sameText.value, chunkCount: chunks.length, status: "unchanged" } satisfies IngestResult
      }
      return yield* Effect.fail(
        new UniqueConflict({ entity: "knowledge document", field: "text", existingId: sameText.value.id })
      )
    }
    const contentType = input.contentType ?? "text"
    const pieces = chunkDocument(input.text, contentType, options.chunking ?? DEFAULT_CHUNK_OPTIONS)
    if (pieces.length === 0) {
      return yield* Effect.fail(
        new ValidationFailed({
          entity: "knowledge document",
          issues: [issue("text", "no_content", "has no text left after removing markup")]
        })
      )
    }
    const vectors = yield* embedAll(
      embedder,
      pieces.map((p) => p.text),
      options.batchSize ?? EMBED_BATCH_SIZE
    )
    const now = yield* currentDate
    const document = new KnowledgeDoc({
      id: Option.match(existing, { onNone: () => input.id ?? newId<KnowledgeDocId>(), onSome: (d) => d.id }),
      organizationId,
      title: input.title.trim(),
      contentType,
      text: input.text,
      sourceUrl: input.sourceUrl ?? null,
      leadId,
      contentHash: hash,
      createdAt: Option.match(existing, { onNone: () => now, onSome: (d) => d.createdAt }),
      updatedAt: now
    })
    // unchecked: the ids are made here and embedAll checked every vector's dimension; checking each of a large
    // document's numbers through the schema again took the thread for half a second
    const chunks = pieces.map(
      (piece, i) =>
        new VectorChunk(
          {
            id: newId<VectorChunkId>(),
            organizationId,
            documentId: document.id,
            ordinal: piece.ordinal,
            text: piece.text,
            embedding: vectors[i]!
          },
          true
        )
    )
    const previousChunks = Option.isSome(existing) ? yield* repo.chunks(organizationId, document.id) : []
    yield* repo.save(document, chunks)
    const restore = Option.match(existing, {
      onNone: () => Effect.asVoid(repo.delete(organizationId, document.id)),
      onSome: (previous) => Effect.asVoid(repo.save(previous, previousChunks))
    }).pipe(Effect.zipRight(index.delete({ organizationId, ids: chunks.map((c) => c.id) })), Effect.ignore)
    yield* index.upsert(chunks.map((c) => chunkPoint(c, leadId))).pipe(
      Effect.tapErrorCause(() => restore),
      Effect.onInterrupt(() => restore)
    )
    if (previousChunks.length > 0) {
      yield* index.delete({ organizationId, documentId: document.id, ids: previousChunks.map((c) => c.id) })
    }
    return {
      document,
      chunkCount: chunks.length,
      status: Option.isSome(existing) ? "replaced" : "created"
    } satisfies IngestResult
  }).pipe(Effect.withSpan("ingestDocument"))

export const loadDocument = (ctx: UseCaseContext, id: KnowledgeDocId) =>
  Effect.flatMap(KnowledgeRepository, (repo) => repo.findById(ctx.organizationId, id)).pipe(
    Effect.flatMap(
      Option.match({
        onNone: () => Effect.fail(new EntityNotFound({ entity: "knowledge document", id })),
        onSome: (doc): Effect.Effect<KnowledgeDoc, EntityNotFound> => Effect.succeed(doc)
      })
    )
  )

/** Deletes a document, its chunks, and its vectors. */
export const deleteDocument = (ctx: UseCaseContext, id: KnowledgeDocId) =>
  Effect.gen(function* () {
    const doc = yield* loadDocument(ctx, id)
    const repo = yield* KnowledgeRepository
    const index = yield* VectorIndex
    const chunks = yield* repo.chunks(ctx.organizationId, id)
    yield* repo.delete(ctx.organizationId, id)
    yield* index.delete({ organizationId: ctx.organizationId, documentId: id })
    return { document: doc, chunkCount: chunks.length }
  }).pipe(Effect.withSpan("deleteDocument"))

export const listDocuments = (ctx: UseCaseContext) =>
  Effect.flatMap(KnowledgeRepository, (repo) => repo.list(ctx.organizationId))
