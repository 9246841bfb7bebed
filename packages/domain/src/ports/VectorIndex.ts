import type { Effect } from "effect"
import { Context, Schema } from "effect"
import type { Unavailable } from "../errors.js"
import type { OrganizationId } from "../model/ids.js"
import type { VectorIndexSpec } from "../model/Knowledge.js"

export interface VectorPoint {
  readonly id: string
  readonly organizationId: OrganizationId
  readonly vector: ReadonlyArray<number>
  /** Filterable attributes: documentId, leadId, kind. */
  readonly payload: { readonly documentId?: string; readonly leadId?: string; readonly kind: string }
}

export interface VectorFilter {
  readonly organizationId: OrganizationId
  readonly documentId?: string
  readonly leadId?: string
  readonly kind?: string
}

export interface VectorHit {
  readonly id: string
  /** Cosine similarity, higher is closer. */
  readonly score: number
  readonly payload: VectorPoint["payload"]
}

/** The index was built with another embedder or dimension than the one searching it. */
export class IndexMismatch extends Schema.TaggedError<IndexMismatch>()("IndexMismatch", {
  index: Schema.String,
  expected: Schema.String,
  actual: Schema.String
}) {
  readonly code = "index_mismatch"
  override get message() {
    return `index ${this.index} was built with ${this.expected}, not ${this.actual}; run \`leadforge reindex\``
  }
}

export declare namespace VectorIndex {
  export interface Service {
    readonly spec: VectorIndexSpec
    readonly upsert: (points: ReadonlyArray<VectorPoint>) => Effect.Effect<void, IndexMismatch | Unavailable>
    readonly delete: (
      filter: VectorFilter & { readonly ids?: ReadonlyArray<string> }
    ) => Effect.Effect<void, Unavailable>
    readonly search: (
      vector: ReadonlyArray<number>,
      k: number,
      filter: VectorFilter
    ) => Effect.Effect<ReadonlyArray<VectorHit>, IndexMismatch | Unavailable>
    /**
     * Runs `load` (many upserts: a reindex, a batch of documents) as one bulk load. An approximate index may stop
     * maintaining its search structure while a large load runs and build it once at the end, whatever the load's
     * outcome; searches meanwhile stay correct but may be slower. An exact index just runs `load`.
     */
    readonly bulkLoad: <A, E, R>(load: Effect.Effect<A, E, R>) => Effect.Effect<A, E | Unavailable, R>
  }
}

export class VectorIndex extends Context.Tag("@leadforge/domain/VectorIndex")<VectorIndex, VectorIndex.Service>() {}
