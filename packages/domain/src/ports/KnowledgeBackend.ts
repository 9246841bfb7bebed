import type { Effect, Option } from "effect"
import { Context } from "effect"
import type { Embedder } from "./Embedder.js"
import type { VectorIndex } from "./VectorIndex.js"

/** Whether the vector store answers now. */
export type VectorStoreState = "connected" | "disconnected" | "not_configured"

export declare namespace KnowledgeBackend {
  export interface Service {
    readonly kind: "pgvector" | "qdrant"
    /** The embedder and index, opened once; None when none could be opened (then `reason` says why). */
    readonly services: Option.Option<Context.Context<Embedder | VectorIndex>>
    readonly reason: string | null
    /**
     * Whether the vector store answers now, within a short deadline; null when the store is the database itself
     * (pgvector), whose state is the database's.
     */
    readonly probe: Effect.Effect<VectorStoreState | null>
  }
}

/**
 * The embedder and vector index a process uses, when it has them. A process without an index still starts: knowledge
 * search answers that it is unavailable (with the reason), and lead writes run without keeping the lead index.
 */
export class KnowledgeBackend extends Context.Tag("@leadforge/domain/KnowledgeBackend")<
  KnowledgeBackend,
  KnowledgeBackend.Service
>() {}
