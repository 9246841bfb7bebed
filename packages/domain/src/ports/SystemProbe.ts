import type { Effect } from "effect"
import { Context } from "effect"
import type { VectorStoreState } from "./KnowledgeBackend.js"

/** The backends the composition root chose. */
export interface Backends {
  readonly database: "pglite" | "postgres"
  readonly vectors: "pgvector" | "qdrant"
  readonly embedder: "hashing" | "openai-compatible"
  readonly llm: "groq" | "none"
  readonly stores: "memory" | "redis"
}

export declare namespace SystemProbe {
  export interface Service {
    readonly version: string
    readonly environment: string
    /** Epoch milliseconds. */
    readonly startedAt: number
    readonly backends: Backends
    /** Whether the database answers now, within a short deadline. */
    readonly database: Effect.Effect<"connected" | "disconnected">
    /** The vector store's state; null when it is the database itself. */
    readonly vectorStore: Effect.Effect<VectorStoreState | null>
    /** The highest migration applied (0 when none or when the database cannot say). */
    readonly migrationLevel: Effect.Effect<number>
  }
}

/** What /health and /status report about the running process and its backends. */
export class SystemProbe extends Context.Tag("@leadforge/domain/SystemProbe")<SystemProbe, SystemProbe.Service>() {}
