import { LanguageModel, type LanguageModelHealth, Unavailable } from "@leadforge/domain"
import { Config, type ConfigError, Data, Duration, Effect, Layer, Option, Redacted } from "effect"
import Groq, { APIConnectionError, APIConnectionTimeoutError, APIError } from "groq-sdk"
import { cachedProbe } from "../llm/cachedProbe.js"
import { makeKeyedSemaphore } from "../llm/KeyedSemaphore.js"
import {
  type Completion,
  type CompletionRequest,
  makeLanguageModel,
  NOT_CONFIGURED_HINT,
  notConfigured
} from "../llm/makeLanguageModel.js"
import { parseRetryAfter, type RetryPolicy, withRetries } from "./retryPolicy.js"

export const DEFAULT_MODEL = "llama-3.3-70b-versatile"

export interface GroqOptions {
  readonly apiKey: Redacted.Redacted<string>
  readonly model?: string
  /** Defaults to https://api.groq.com; the SDK appends /openai/v1/chat/completions. */
  readonly baseURL?: string
  /** Per request. Default 30 s. */
  readonly timeout?: Duration.DurationInput
  readonly maxRetries?: number
  readonly retryBudget?: Duration.DurationInput
  readonly baseDelay?: Duration.DurationInput
  readonly maxDelay?: Duration.DurationInput
  /** Requests in flight at once per organization. Default 4. */
  readonly concurrencyPerOrganization?: number
  readonly temperature?: number
  /** How long a health probe's answer is kept. Default 1 minute. */
  readonly healthTtl?: Duration.DurationInput
}

/** A health probe's own deadline: long enough for a distant provider, short next to its cache life. */
const PROBE_DEADLINE_MS = 3_000
/** How long /health waits for the first probe's answer (its budget, with the database's and the vector store's). */
const FIRST_PROBE_WAIT_MS = 150

/** One failed HTTP exchange with Groq, classified for the retry policy. */
class GroqCallFailed extends Data.TaggedError("GroqCallFailed")<{
  readonly reason: string
  readonly retryable: boolean
  readonly retryAfter: Duration.Duration | undefined
}> {}

const SERVICE = "llm"

/** Removes the key from any text that might reach an error or a log, whatever produced it. */
const scrubber = (apiKey: Redacted.Redacted<string>) => {
  const key = Redacted.value(apiKey)
  return (text: string) => (key.length === 0 ? text : text.split(key).join("[redacted]"))
}

const describeBody = (error: APIError): string => {
  const body = error.error as { error?: { message?: unknown }; message?: unknown } | undefined
  const message = body?.error?.message ?? body?.message
  return typeof message === "string" ? `: ${message.slice(0, 300)}` : ""
}

const classify = (error: unknown, timeoutMs: number, nowMillis: number): GroqCallFailed => {
  if (error instanceof APIConnectionTimeoutError) {
    return new GroqCallFailed({ reason: `timed out after ${timeoutMs} ms`, retryable: false, retryAfter: undefined })
  }
  if (error instanceof APIConnectionError) {
    return new GroqCallFailed({
      reason: `could not connect (${error.cause instanceof Error ? error.cause.message : error.message})`,
      retryable: true,
      retryAfter: undefined
    })
  }
  if (error instanceof APIError && typeof error.status === "number") {
    const status = error.status
    const retryAfter = parseRetryAfter(error.headers, nowMillis)
    if (status === 429) {
      return new GroqCallFailed({
        reason: `rate limited (HTTP 429)${describeBody(error)}`,
        retryable: true,
        retryAfter
      })
    }
    if (status >= 500) {
      return new GroqCallFailed({
        reason: `server error (HTTP ${status})${describeBody(error)}`,
        retryable: true,
        retryAfter
      })
    }
    if (status === 401 || status === 403) {
      return new GroqCallFailed({
        reason: `the API key was rejected (HTTP ${status}); check GROQ_API_KEY`,
        retryable: false,
        retryAfter: undefined
      })
    }
    return new GroqCallFailed({
      reason: `request rejected (HTTP ${status})${describeBody(error)}`,
      retryable: false,
      retryAfter: undefined
    })
  }
  return new GroqCallFailed({
    reason: `malformed response (${error instanceof Error ? error.message : String(error)})`,
    retryable: false,
    retryAfter: undefined
  })
}

/** The Groq chat-completions transport: one request with timeout, retries and the per-organization limit. */
export const makeGroq = (options: GroqOptions) =>
  Effect.gen(function* () {
    const model = options.model ?? DEFAULT_MODEL
    const timeout = Duration.decode(options.timeout ?? "30 seconds")
    const timeoutMs = Duration.toMillis(timeout)
    const policy: RetryPolicy = {
      maxRetries: options.maxRetries ?? 3,
      baseDelay: Duration.decode(options.baseDelay ?? "500 millis"),
      maxDelay: Duration.decode(options.maxDelay ?? "10 seconds"),
      budget: Duration.decode(options.retryBudget ?? "60 seconds")
    }
    const scrub = scrubber(options.apiKey)
    const limit = yield* makeKeyedSemaphore(options.concurrencyPerOrganization ?? 4)
    const client = new Groq({
      apiKey: Redacted.value(options.apiKey),
      ...(options.baseURL === undefined ? {} : { baseURL: options.baseURL }),
      // The retry policy is ours; the SDK's timeout is only a backstop behind Effect's.
      maxRetries: 0,
      timeout: timeoutMs + 5_000,
      logLevel: "off"
    })

    const attempt = (request: CompletionRequest) =>
      Effect.tryPromise({
        try: (signal) =>
          client.chat.completions.create(
            {
              model,
              messages: request.messages.map((message) => ({ role: message.role, content: message.content })),
              temperature: request.prompt.temperature ?? options.temperature ?? 0.2,
              ...(request.prompt.maxTokens === undefined ? {} : { max_completion_tokens: request.prompt.maxTokens }),
              ...(request.json ? { response_format: { type: "json_object" as const } } : {})
            },
            { signal, maxRetries: 0 }
          ),
        catch: (error) => classify(error, timeoutMs, Date.now())
      }).pipe(
        Effect.timeoutFail({
          duration: timeout,
          onTimeout: () =>
            new GroqCallFailed({ reason: `timed out after ${timeoutMs} ms`, retryable: false, retryAfter: undefined })
        }),
        Effect.flatMap((response) => {
          const content = response.choices?.[0]?.message?.content
          return typeof content === "string"
            ? Effect.succeed<Completion>({
                content,
                model: response.model ?? model,
                promptTokens: response.usage?.prompt_tokens ?? 0,
                completionTokens: response.usage?.completion_tokens ?? 0
              })
            : Effect.fail(
                new GroqCallFailed({
                  reason: "malformed response (no message content in the first choice)",
                  retryable: false,
                  retryAfter: undefined
                })
              )
        }),
        limit.withPermit(request.prompt.organizationId ?? "")
      )

    const complete = (request: CompletionRequest): Effect.Effect<Completion, Unavailable> =>
      withRetries(
        policy,
        () => attempt(request),
        (error, why) => new Unavailable({ service: SERVICE, reason: scrub(`Groq ${error.reason}; ${why}`) }),
        (error, wait, n) =>
          Effect.logWarning("Groq request failed; retrying").pipe(
            Effect.annotateLogs({ reason: scrub(error.reason), waitMs: Duration.toMillis(wait), retry: n + 1 })
          )
      ).pipe(
        Effect.tap((reply) =>
          Effect.logDebug("Groq completion").pipe(
            Effect.annotateLogs({
              model: reply.model,
              promptTokens: reply.promptTokens,
              completionTokens: reply.completionTokens
            })
          )
        ),
        Effect.withSpan("LanguageModelGroq.complete", { attributes: { model, json: request.json } })
      )

    /**
     * The cheapest call that proves the key and the model: GET /openai/v1/models/{model} (no tokens). Any failure
     * is `unavailable`, with a reason that never holds the key.
     */
    const probe: Effect.Effect<LanguageModelHealth> = Effect.tryPromise({
      try: (signal) => client.models.retrieve(model, { signal, maxRetries: 0, timeout: PROBE_DEADLINE_MS }),
      catch: (error) => classify(error, PROBE_DEADLINE_MS, Date.now())
    }).pipe(
      Effect.timeoutFail({
        duration: PROBE_DEADLINE_MS,
        onTimeout: () =>
          new GroqCallFailed({
            reason: `timed out after ${PROBE_DEADLINE_MS} ms`,
            retryable: false,
            retryAfter: undefined
          })
      }),
      Effect.as<LanguageModelHealth>({ status: "ok", provider: "groq", model }),
      Effect.catchAll((error) =>
        Effect.succeed<LanguageModelHealth>({
          status: "unavailable",
          provider: "groq",
          model,
          reason: scrub(`Groq ${error.reason}`)
        })
      ),
      Effect.withSpan("LanguageModelGroq.probe", { attributes: { model } })
    )
    const health = yield* cachedProbe(
      probe,
      { status: "unavailable", provider: "groq", model, reason: "Groq has not answered the first health probe yet" },
      { ttl: options.healthTtl ?? "1 minute", wait: Duration.millis(FIRST_PROBE_WAIT_MS) }
    )

    return makeLanguageModel(complete, health)
  })

/** Groq with explicit options; its health probe runs in the layer's scope. */
export const layer = (options: GroqOptions): Layer.Layer<LanguageModel> =>
  Layer.scoped(LanguageModel, makeGroq(options))

/**
 * Groq from the environment: GROQ_API_KEY (secret), GROQ_MODEL, GROQ_BASE_URL, GROQ_TIMEOUT_MS, GROQ_MAX_RETRIES,
 * GROQ_RETRY_BUDGET_MS, GROQ_CONCURRENCY. Without a key (or with an empty one) every call fails with
 * LanguageModelNotConfigured and health reports `not_configured`.
 */
export const layerConfig: Layer.Layer<LanguageModel, ConfigError.ConfigError> = Layer.unwrapEffect(
  Effect.gen(function* () {
    const apiKey = yield* Config.option(Config.redacted("GROQ_API_KEY"))
    if (Option.isNone(apiKey) || Redacted.value(apiKey.value).trim() === "") {
      return Layer.succeed(LanguageModel, notConfigured(NOT_CONFIGURED_HINT))
    }
    const model = yield* Config.string("GROQ_MODEL").pipe(Config.withDefault(DEFAULT_MODEL))
    const baseURL = yield* Config.option(Config.string("GROQ_BASE_URL"))
    const timeoutMs = yield* Config.integer("GROQ_TIMEOUT_MS").pipe(
      Config.validate({
        message: "GROQ_TIMEOUT_MS must be a positive number of milliseconds",
        validation: (n) => n > 0
      }),
      Config.withDefault(30_000)
    )
    const maxRetries = yield* Config.integer("GROQ_MAX_RETRIES").pipe(
      Config.validate({ message: "GROQ_MAX_RETRIES must be 0 or more", validation: (n) => n >= 0 }),
      Config.withDefault(3)
    )
    const retryBudgetMs = yield* Config.integer("GROQ_RETRY_BUDGET_MS").pipe(
      Config.validate({ message: "GROQ_RETRY_BUDGET_MS must be 0 or more", validation: (n) => n >= 0 }),
      Config.withDefault(60_000)
    )
    const concurrency = yield* Config.integer("GROQ_CONCURRENCY").pipe(
      Config.validate({ message: "GROQ_CONCURRENCY must be at least 1", validation: (n) => n >= 1 }),
      Config.withDefault(4)
    )
    return layer({
      apiKey: apiKey.value,
      model,
      ...(Option.isSome(baseURL) ? { baseURL: baseURL.value } : {}),
      timeout: Duration.millis(timeoutMs),
      maxRetries,
      retryBudget: Duration.millis(retryBudgetMs),
      concurrencyPerOrganization: concurrency
    })
  })
)
