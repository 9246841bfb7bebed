import { LanguageModel } from "@leadforge/domain"
import { Layer } from "effect"
import { notConfigured } from "./makeLanguageModel.js"

export * from "./cachedProbe.js"
export * from "./KeyedSemaphore.js"
export * from "./makeLanguageModel.js"
export * from "./scripted.js"

/** Every call fails with LanguageModelNotConfigured; health reports `not_configured`. */
export const LanguageModelNotConfiguredLayer: Layer.Layer<LanguageModel> = Layer.succeed(LanguageModel, notConfigured())
