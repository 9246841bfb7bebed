import { type Embedder, VectorIndexSpec } from "@leadforge/domain"
import * as VectorIndexPgvector from "./pgvector/VectorIndexPgvector.js"
import * as VectorIndexQdrant from "./VectorIndexQdrant.js"

export { makeVectorIndexMemory, VectorIndexMemory } from "../memory/VectorIndexMemory.js"
export { VectorIndexPgvector, VectorIndexQdrant }

/** The spec an index gets from the embedder that fills it. */
export const specFor = (embedder: Embedder.Service, name = "knowledge") =>
  new VectorIndexSpec({ name, dimension: embedder.dimension, embedderId: embedder.modelId, distance: "cosine" })
