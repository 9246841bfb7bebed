/** OpenAPI descriptions that several groups share. */

/** For the endpoints that need the language model. */
export const NEEDS_MODEL =
  "Needs a language model (GROQ_API_KEY); without one this answers 503 with code llm_not_configured."
