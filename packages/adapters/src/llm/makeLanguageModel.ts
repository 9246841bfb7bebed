import type { Generated, LanguageModel, LanguageModelHealth, Prompt, Unavailable } from "@leadforge/domain"
import { LanguageModelNotConfigured, ModelOutputInvalid, toFieldIssues } from "@leadforge/domain"
import { Clock, Effect, Either, JSONSchema, Schema } from "effect"

export interface ChatMessage {
  readonly role: "system" | "user" | "assistant"
  readonly content: string
}

/** One request to a chat model: what a provider adapter (or the scripted fake) must answer. */
export interface CompletionRequest {
  readonly messages: ReadonlyArray<ChatMessage>
  /** Ask for a single JSON object (Groq/OpenAI JSON mode). */
  readonly json: boolean
  /** The caller's prompt, for its options (organizationId, maxTokens, temperature). */
  readonly prompt: Prompt
}

export interface Completion {
  readonly content: string
  readonly promptTokens: number
  readonly completionTokens: number
  readonly model: string
}

export type Complete = (
  request: CompletionRequest
) => Effect.Effect<Completion, LanguageModelNotConfigured | Unavailable>

const JSON_INSTRUCTIONS = "Reply with a single JSON object and nothing else: no prose, no Markdown code fences."

const schemaText = (schema: Schema.Schema.Any): string | null => {
  try {
    return JSON.stringify(JSONSchema.make(schema))
  } catch {
    return null
  }
}

/** The messages for a structured request: the caller's system prompt plus JSON instructions and the JSON Schema. */
export const objectMessages = (schema: Schema.Schema.Any, prompt: Prompt): Array<ChatMessage> => {
  const shape = schemaText(schema)
  const system = [
    prompt.system,
    JSON_INSTRUCTIONS,
    shape === null ? undefined : `The JSON object must match this JSON Schema:\n${shape}`
  ]
    .filter((part): part is string => part !== undefined && part.length > 0)
    .join("\n\n")
  return [
    { role: "system", content: system },
    { role: "user", content: prompt.user }
  ]
}

export const textMessages = (prompt: Prompt): Array<ChatMessage> => [
  ...(prompt.system === undefined ? [] : [{ role: "system" as const, content: prompt.system }]),
  { role: "user", content: prompt.user }
]

const FENCED = /^```(?:json)?\s*([\s\S]*?)\s*```$/i

/** Parses a reply as JSON; tolerates a Markdown fence around it. Left is a message for the model. */
export const parseJson = (raw: string): Either.Either<unknown, string> => {
  const trimmed = raw.trim()
  const body = FENCED.exec(trimmed)?.[1] ?? trimmed
  try {
    return Either.right(JSON.parse(body))
  } catch (error) {
    return Either.left(`the reply is not valid JSON (${error instanceof Error ? error.message : String(error)})`)
  }
}

const decodeReply = <A, I>(schema: Schema.Schema<A, I>, raw: string): Either.Either<A, string> =>
  Either.flatMap(parseJson(raw), (json) =>
    Either.mapLeft(Schema.decodeUnknownEither(schema, { errors: "all", onExcessProperty: "ignore" })(json), (error) =>
      toFieldIssues(error)
        .map((issue) => `- ${issue.field}: ${issue.message}`)
        .join("\n")
    )
  )

const repairMessage = (errors: string): ChatMessage => ({
  role: "user",
  content: `Your reply did not match the required JSON Schema:\n${errors}\n\nReply again with only the corrected JSON object.`
})

/**
 * A LanguageModel over one `complete` function: JSON instructions and schema for objects, decoding with the
 * Effect Schema, ONE repair round that sends the decode errors back, then ModelOutputInvalid with the raw reply.
 * Usage sums every request made; latency is the wall time of the whole call.
 */
export const makeLanguageModel = (
  complete: Complete,
  health: Effect.Effect<LanguageModelHealth>
): LanguageModel.Service => {
  const timed = <A, E>(body: Effect.Effect<Omit<Generated<A>["usage"], "latencyMs"> & { value: A }, E>) =>
    Effect.gen(function* () {
      const start = yield* Clock.currentTimeMillis
      const { value, ...usage } = yield* body
      const end = yield* Clock.currentTimeMillis
      return { value, usage: { ...usage, latencyMs: end - start } } satisfies Generated<A>
    })

  return {
    health,
    generateText: (prompt) =>
      timed(
        Effect.map(complete({ messages: textMessages(prompt), json: false, prompt }), (reply) => ({
          value: reply.content,
          promptTokens: reply.promptTokens,
          completionTokens: reply.completionTokens,
          model: reply.model
        }))
      ).pipe(Effect.withSpan("LanguageModel.generateText")),
    generateObject: <A, I>(schema: Schema.Schema<A, I>, prompt: Prompt) =>
      timed(
        Effect.gen(function* () {
          const messages = objectMessages(schema, prompt)
          const first = yield* complete({ messages, json: true, prompt })
          const firstDecoded = decodeReply(schema, first.content)
          if (Either.isRight(firstDecoded)) {
            return {
              value: firstDecoded.right,
              promptTokens: first.promptTokens,
              completionTokens: first.completionTokens,
              model: first.model
            }
          }
          yield* Effect.logDebug("language model reply failed the schema; asking for a repair").pipe(
            Effect.annotateLogs({ errors: firstDecoded.left })
          )
          const repair = yield* complete({
            messages: [...messages, { role: "assistant", content: first.content }, repairMessage(firstDecoded.left)],
            json: true,
            prompt
          })
          const repaired = decodeReply(schema, repair.content)
          if (Either.isLeft(repaired)) {
            return yield* new ModelOutputInvalid({
              reason: `after one repair attempt:\n${repaired.left}`,
              raw: repair.content
            })
          }
          return {
            value: repaired.right,
            promptTokens: first.promptTokens + repair.promptTokens,
            completionTokens: first.completionTokens + repair.completionTokens,
            model: repair.model
          }
        })
      ).pipe(Effect.withSpan("LanguageModel.generateObject"))
  }
}

export const NOT_CONFIGURED_HINT =
  "set GROQ_API_KEY to a Groq API key (create one at https://console.groq.com/keys); optionally GROQ_MODEL and GROQ_BASE_URL"

/** A LanguageModel that fails every call with LanguageModelNotConfigured and reports `not_configured`. */
export const notConfigured = (hint: string = NOT_CONFIGURED_HINT): LanguageModel.Service => {
  const fail = Effect.fail(new LanguageModelNotConfigured({ hint }))
  return {
    health: Effect.succeed({ status: "not_configured", provider: "none" }),
    generateText: () => fail,
    generateObject: () => fail
  }
}
