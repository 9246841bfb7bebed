import { DEFAULT_MODEL, type GroqOptions, layer, layerConfig, makeGroq } from "./LanguageModelGroq.js"

export { backoff, parseRetryAfter, type RetryPolicy, withRetries } from "./retryPolicy.js"
export type { GroqOptions }

/** The Groq LanguageModel: `layer(options)`, or `layerConfig` from GROQ_* variables. */
export const LanguageModelGroq = { DEFAULT_MODEL, layer, layerConfig, make: makeGroq } as const
