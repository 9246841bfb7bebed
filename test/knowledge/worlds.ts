import { EmbedderHashing } from "@leadforge/adapters/embeddings"
import { MemoryStoreLive, makeVectorIndexMemory, layer as memoryLayer } from "@leadforge/adapters/memory"
import { VectorIndexPgvector } from "@leadforge/adapters/vector"
import { DEFAULT_EMBEDDING_DIMENSION } from "@leadforge/domain"
import { Layer } from "effect"
import {
  type PostgresSource,
  pglitePersistence,
  postgresPersistence
} from "../../packages/adapters/test/support/databases.js"
import { spec } from "./support.js"

export const knowledgeSpec = spec("knowledge", DEFAULT_EMBEDDING_DIMENSION, "hashing-384")

/** Every port in memory, the exact in-memory index and the hashing embedder. */
export const memoryWorld = () =>
  Layer.mergeAll(
    memoryLayer,
    makeVectorIndexMemory(knowledgeSpec).pipe(Layer.provide(MemoryStoreLive)),
    EmbedderHashing
  )

/** The SQL repositories on PGlite, pgvector (HNSW) on the same database, the hashing embedder. */
export const pgliteWorld = () =>
  Layer.mergeAll(VectorIndexPgvector.layer(knowledgeSpec), EmbedderHashing).pipe(
    Layer.provideMerge(pglitePersistence())
  )

/** PostgreSQL without pgvector: SQL repositories (embeddings as real[]) with the exact in-memory index. */
export const postgresWorld = (source: PostgresSource) =>
  Layer.mergeAll(
    postgresPersistence(source),
    makeVectorIndexMemory(knowledgeSpec).pipe(Layer.provide(MemoryStoreLive)),
    EmbedderHashing
  )
