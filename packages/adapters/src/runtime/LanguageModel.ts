import type { LanguageModel } from "@leadforge/domain"
import { type ConfigError, Effect, Layer, Option } from "effect"
import * as LanguageModelGroq from "../groq/LanguageModelGroq.js"
import { LanguageModelNotConfiguredLayer } from "../llm/index.js"
import { RuntimeSettings, type Settings, settingsLayer } from "./Settings.js"

/** Groq with GROQ_API_KEY (its GROQ_* tuning read by the adapter), else a model whose calls say it is not configured. */
export const languageModelFor = (settings: Settings): Layer.Layer<LanguageModel, ConfigError.ConfigError> =>
  Option.isSome(settings.groqApiKey) ? LanguageModelGroq.layerConfig : LanguageModelNotConfiguredLayer

export const languageModel: Layer.Layer<LanguageModel, ConfigError.ConfigError> = Layer.unwrapEffect(
  Effect.map(RuntimeSettings, languageModelFor)
).pipe(Layer.provide(settingsLayer))
