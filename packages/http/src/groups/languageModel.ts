import { LanguageModel } from "@leadforge/domain"
import { Effect } from "effect"
import { problemBody, ServiceUnavailable } from "../contract/Problems.js"

/** What a client reads when the server has no model. */
export const LLM_NOT_CONFIGURED_DETAIL =
  "no language model is configured: set GROQ_API_KEY (optionally GROQ_MODEL and GROQ_BASE_URL) in the server's " +
  "environment and restart it; everything else works without one"

const notConfigured = () =>
  new ServiceUnavailable(problemBody(503, { code: "llm_not_configured", detail: LLM_NOT_CONFIGURED_DETAIL }))

/** Fails with 503 llm_not_configured before any work when the server has no model. */
export const requireModel = Effect.flatMap(LanguageModel, (model) => model.health).pipe(
  Effect.flatMap((health) => (health.status === "not_configured" ? Effect.fail(notConfigured()) : Effect.void))
)

const hasTag = (error: unknown, tag: string) =>
  typeof error === "object" && error !== null && "_tag" in error && error._tag === tag

/** The model's own failures as problems: not configured, or a reply that never matched the schema. */
export const mapModelErrors = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.mapError(effect, (error) => {
    if (hasTag(error, "LanguageModelNotConfigured")) return notConfigured()
    if (hasTag(error, "ModelOutputInvalid")) {
      return new ServiceUnavailable(
        problemBody(503, {
          code: "model_output_invalid",
          detail: `${(error as { message: string }).message}; retry later`
        })
      )
    }
    return error as Exclude<E, { readonly _tag: "LanguageModelNotConfigured" | "ModelOutputInvalid" }>
  })
