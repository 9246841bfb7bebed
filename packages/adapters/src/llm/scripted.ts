import { LanguageModel, Unavailable } from "@leadforge/domain"
import { Effect, Layer, Ref } from "effect"
import { type Completion, type CompletionRequest, makeLanguageModel } from "./makeLanguageModel.js"

/** One scripted reply: the text, optionally with token counts, or a failure. */
export type ScriptedReply =
  | string
  | {
      readonly content: string
      readonly promptTokens?: number
      readonly completionTokens?: number
    }
  | Unavailable

/** Replies in order, or a function of the request (which may return an Effect to fail or wait). */
export type Script =
  | ReadonlyArray<ScriptedReply>
  | ((request: CompletionRequest) => ScriptedReply | Effect.Effect<ScriptedReply, Unavailable>)

export interface ScriptedLanguageModel {
  readonly service: LanguageModel.Service
  /** Every request the model received, in order (repair requests included). */
  readonly requests: Effect.Effect<ReadonlyArray<CompletionRequest>>
}

const MODEL = "scripted"

const approximateTokens = (text: string) => Math.ceil(text.length / 4)

/**
 * A fake LanguageModel for domain and end-to-end tests. It goes through the same JSON instructions, schema
 * decoding and repair as the Groq adapter; only the transport is scripted.
 */
export const makeScripted = (script: Script): Effect.Effect<ScriptedLanguageModel> =>
  Effect.gen(function* () {
    const requests = yield* Ref.make<ReadonlyArray<CompletionRequest>>([])
    const queue = yield* Ref.make(Array.isArray(script) ? [...(script as ReadonlyArray<ScriptedReply>)] : [])

    const next = (request: CompletionRequest): Effect.Effect<ScriptedReply, Unavailable> => {
      if (typeof script === "function") {
        const reply = script(request)
        return Effect.isEffect(reply) ? reply : Effect.succeed(reply)
      }
      return Effect.flatMap(
        Ref.modify(queue, (replies) => [replies[0], replies.slice(1)] as const),
        (reply) =>
          reply === undefined
            ? Effect.fail(new Unavailable({ service: "llm", reason: "the scripted model has no more replies" }))
            : Effect.succeed(reply)
      )
    }

    const complete = (request: CompletionRequest): Effect.Effect<Completion, Unavailable> =>
      Effect.gen(function* () {
        yield* Ref.update(requests, (all) => [...all, request])
        const reply = yield* next(request)
        if (reply instanceof Unavailable) return yield* reply
        const content = typeof reply === "string" ? reply : reply.content
        const promptText = request.messages.map((message) => message.content).join("\n")
        return {
          content,
          model: MODEL,
          promptTokens:
            typeof reply === "string"
              ? approximateTokens(promptText)
              : (reply.promptTokens ?? approximateTokens(promptText)),
          completionTokens:
            typeof reply === "string"
              ? approximateTokens(content)
              : (reply.completionTokens ?? approximateTokens(content))
        }
      })

    return {
      service: makeLanguageModel(complete, Effect.succeed({ status: "ok", provider: "scripted", model: MODEL })),
      requests: Ref.get(requests)
    }
  })

/** The scripted model as the LanguageModel layer. */
export const LanguageModelScripted = (script: Script): Layer.Layer<LanguageModel> =>
  Layer.effect(
    LanguageModel,
    Effect.map(makeScripted(script), (scripted) => scripted.service)
  )
