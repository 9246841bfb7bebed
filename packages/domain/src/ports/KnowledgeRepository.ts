import type { Effect, Option } from "effect"
import { Context } from "effect"
import type { Unavailable } from "../errors.js"
import type { KnowledgeDocId, LeadId, OrganizationId, VectorChunkId } from "../model/ids.js"
import type { KnowledgeDoc, VectorChunk } from "../model/Knowledge.js"

/** A chunk found by full-text search; `rank` is 1 for the best match. */
export interface TextHit {
  readonly chunkId: VectorChunkId
  readonly documentId: KnowledgeDocId
  readonly rank: number
  /** The store's own relevance (ts_rank, or matched-term count in memory); only the order is comparable. */
  readonly score: number
}

export interface TextSearchOptions {
  readonly limit: number
  readonly documentId?: KnowledgeDocId
  readonly leadId?: LeadId
}

export declare namespace KnowledgeRepository {
  export interface Service {
    /** Stores a document with its chunks, replacing any chunks it had. */
    readonly save: (doc: KnowledgeDoc, chunks: ReadonlyArray<VectorChunk>) => Effect.Effect<KnowledgeDoc, Unavailable>
    readonly findById: (
      organizationId: OrganizationId,
      id: KnowledgeDocId
    ) => Effect.Effect<Option.Option<KnowledgeDoc>, Unavailable>
    readonly list: (organizationId: OrganizationId) => Effect.Effect<ReadonlyArray<KnowledgeDoc>, Unavailable>
    readonly chunks: (
      organizationId: OrganizationId,
      id: KnowledgeDocId
    ) => Effect.Effect<ReadonlyArray<VectorChunk>, Unavailable>
    /** The document whose text hashes to `contentHash`, if any (re-ingesting unchanged content is a no-op). */
    readonly findByContentHash: (
      organizationId: OrganizationId,
      contentHash: string
    ) => Effect.Effect<Option.Option<KnowledgeDoc>, Unavailable>
    /** The chunks with these ids that exist in the organization, in no particular order. */
    readonly findChunks: (
      organizationId: OrganizationId,
      ids: ReadonlyArray<VectorChunkId>
    ) => Effect.Effect<ReadonlyArray<VectorChunk>, Unavailable>
    /** Full-text search over chunk text (English stemming), best first. */
    readonly searchText: (
      organizationId: OrganizationId,
      query: string,
      options: TextSearchOptions
    ) => Effect.Effect<ReadonlyArray<TextHit>, Unavailable>
    /** Returns whether a document was deleted. */
    readonly delete: (organizationId: OrganizationId, id: KnowledgeDocId) => Effect.Effect<boolean, Unavailable>
  }
}

export class KnowledgeRepository extends Context.Tag("@leadforge/domain/KnowledgeRepository")<
  KnowledgeRepository,
  KnowledgeRepository.Service
>() {}
