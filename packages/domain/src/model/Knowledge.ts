import { Schema } from "effect"
import { Timestamps } from "./common.js"
import { KnowledgeDocId, LeadId, OrganizationId, VectorChunkId } from "./ids.js"

export const DEFAULT_EMBEDDING_DIMENSION = 384

export const ContentType = Schema.Literal("text", "markdown", "html")
export type ContentType = typeof ContentType.Type

/** A document in the knowledge base: research, playbooks, notes, saved pages. */
export class KnowledgeDoc extends Schema.Class<KnowledgeDoc>("KnowledgeDoc")({
  id: KnowledgeDocId,
  organizationId: OrganizationId,
  title: Schema.NonEmptyTrimmedString.pipe(Schema.maxLength(500)),
  contentType: ContentType,
  text: Schema.String,
  sourceUrl: Schema.NullOr(Schema.String),
  leadId: Schema.NullOr(LeadId),
  /** SHA-256 (hex) of the text, so re-ingesting unchanged content is a no-op. */
  contentHash: Schema.String,
  ...Timestamps
}) {}

/** A piece of a document with its embedding; the dimension is the index's, not the chunk's. */
export class VectorChunk extends Schema.Class<VectorChunk>("VectorChunk")({
  id: VectorChunkId,
  organizationId: OrganizationId,
  documentId: KnowledgeDocId,
  ordinal: Schema.Int.pipe(Schema.nonNegative()),
  text: Schema.String,
  embedding: Schema.Array(Schema.Number)
}) {}

/** What an index was built with; searching it with another embedder is an error. */
export class VectorIndexSpec extends Schema.Class<VectorIndexSpec>("VectorIndexSpec")({
  name: Schema.String,
  dimension: Schema.Int.pipe(Schema.positive()),
  embedderId: Schema.String,
  distance: Schema.Literal("cosine")
}) {}
