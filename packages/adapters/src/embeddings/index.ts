import { Config, Effect, Layer, Option } from "effect"
import { EmbedderHashing } from "./EmbedderHashing.js"
import * as EmbedderOpenAiCompatible from "./EmbedderOpenAiCompatible.js"

export * from "./EmbedderHashing.js"
export { EmbedderOpenAiCompatible }

/** ARCHITECTURE.md defaults: the OpenAI-compatible embedder when EMBEDDINGS_URL is set, otherwise hashing. */
export const EmbedderFromEnv = Layer.unwrapEffect(
  Effect.map(Config.option(Config.string("EMBEDDINGS_URL")), (url) =>
    Option.isSome(url) ? EmbedderOpenAiCompatible.layerConfig : EmbedderHashing
  )
)
