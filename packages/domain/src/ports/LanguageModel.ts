import type { Effect } from "effect"
import { Context, Schema } from "effect"
import type { Unavailable } from "../errors.js"

export interface Usage {
  readonly promptTokens: number
  readonly completionTokens: number
  readonly latencyMs: number
  readonly model: string
}

export interface Generated<A> {
  readonly value: A
  readonly usage: Usage
}

export interface Prompt {
  readonly system?: string
  readonly user: string
  /** Whose request this is; adapters limit concurrent calls per organization. */
  readonly organizationId?: string
  /** Upper bound on the reply's length, in tokens. */
  readonly maxTokens?: number
  /** 0 for the most deterministic reply; adapters pick a low default. */
  readonly temperature?: number
}

/**
 * What `/health` reports for the model: `ok` when the provider answered its last probe, `unavailable` when it did
 * not (or refused the key, or does not know the model: `reason` says which), `not_configured` when AI features are
 * off.
 */
export interface LanguageModelHealth {
  readonly status: "ok" | "unavailable" | "not_configured"
  readonly provider: string
  readonly model?: string
  readonly reason?: string
}

/** The model's reply did not match the schema, even after a repair attempt. */
export class ModelOutputInvalid extends Schema.TaggedError<ModelOutputInvalid>()("ModelOutputInvalid", {
  reason: Schema.String,
  raw: Schema.String
}) {
  readonly code = "model_output_invalid"
  override get message() {
    return `the language model's reply did not match the expected shape: ${this.reason}`
  }
}

export class LanguageModelNotConfigured extends Schema.TaggedError<LanguageModelNotConfigured>()(
  "LanguageModelNotConfigured",
  { hint: Schema.String }
) {
  readonly code = "llm_not_configured"
  override get message() {
    return `no language model is configured: ${this.hint}`
  }
}

export declare namespace LanguageModel {
  export interface Service {
    readonly generateObject: <A, I>(
      schema: Schema.Schema<A, I>,
      prompt: Prompt
    ) => Effect.Effect<Generated<A>, ModelOutputInvalid | LanguageModelNotConfigured | Unavailable>
    readonly generateText: (
      prompt: Prompt
    ) => Effect.Effect<Generated<string>, LanguageModelNotConfigured | Unavailable>
    /**
     * The provider's state from a cheap probe (never a completion), cached by the adapter so that asking often costs
     * nothing and answers within /health's budget.
     */
    readonly health: Effect.Effect<LanguageModelHealth>
  }
}

export class LanguageModel extends Context.Tag("@leadforge/domain/LanguageModel")<
  LanguageModel,
  LanguageModel.Service
>() {}
