import * as EmbedderOpenAiCompatible from "./EmbedderOpenAiCompatible.js"

export * from "./EmbedderHashing.js"
export { EmbedderOpenAiCompatible }
