import type * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { Embedder, type VectorIndex, VectorIndexSpec } from "@leadforge/domain"
import { Config, type ConfigError, Effect, Layer, Option } from "effect"
import * as VectorIndexPgvector from "./pgvector/VectorIndexPgvector.js"
import * as VectorIndexQdrant from "./VectorIndexQdrant.js"

export { makeVectorIndexMemory, VectorIndexMemory } from "../memory/VectorIndexMemory.js"
export { VectorIndexPgvector, VectorIndexQdrant }

/** The spec an index gets from the embedder that fills it. */
export const specFor = (embedder: Embedder.Service, name = "knowledge") =>
  new VectorIndexSpec({ name, dimension: embedder.dimension, embedderId: embedder.modelId, distance: "cosine" })

/**
 * ARCHITECTURE.md defaults: Qdrant when QDRANT_URL is set, otherwise pgvector on the SqlClient's database (PGlite
 * has it; a PostgreSQL without the extension fails with PgvectorUnavailable naming the alternatives). The spec
 * comes from the Embedder in context, so the index records the embedder that fills it.
 */
export const VectorIndexFromEnv = Layer.unwrapEffect(
  Effect.gen(function* () {
    const spec = specFor(yield* Embedder)
    const qdrant = yield* Config.option(Config.string("QDRANT_URL"))
    type Chosen = Layer.Layer<
      VectorIndex,
      VectorIndexPgvector.PgvectorUnavailable | SqlError | ConfigError.ConfigError,
      SqlClient.SqlClient
    >
    return Option.isSome(qdrant)
      ? (VectorIndexQdrant.layerConfig(spec) as Chosen)
      : (VectorIndexPgvector.layerConfig(spec) as Chosen)
  })
)
