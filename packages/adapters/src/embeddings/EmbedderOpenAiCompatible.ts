import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { DEFAULT_EMBEDDING_DIMENSION, Embedder, Unavailable } from "@leadforge/domain"
import { Config, Duration, Effect, Layer, Option, type Redacted, Schedule, Schema } from "effect"

export interface OpenAiCompatibleOptions {
  /** Base URL without `/v1`, e.g. `http://localhost:11434` (Ollama) or `https://api.openai.com`. */
  readonly url: string
  readonly model: string
  readonly apiKey: Option.Option<Redacted.Redacted>
  /** The vectors' dimension; sent as `dimensions` only when `sendDimensions` is set (OpenAI text-embedding-3). */
  readonly dimension: number
  readonly sendDimensions?: boolean
  readonly batchSize?: number
  readonly timeout?: Duration.DurationInput
  /** Retries after the first attempt on 429, 5xx, timeouts and connection errors. */
  readonly retries?: number
  readonly retryBase?: Duration.DurationInput
}

const EmbeddingsResponse = Schema.Struct({
  data: Schema.Array(Schema.Struct({ embedding: Schema.Array(Schema.Number), index: Schema.Int }))
})

/** A failure worth another attempt (rate limit, server error, timeout, connection). */
class Retryable {
  readonly _tag = "Retryable"
  constructor(readonly reason: string) {}
}
class Fatal {
  readonly _tag = "Fatal"
  constructor(readonly reason: string) {}
}

const normalize = (v: ReadonlyArray<number>): ReadonlyArray<number> => {
  let norm = 0
  for (const x of v) norm += x * x
  if (norm === 0 || Math.abs(norm - 1) < 1e-6) return v
  const s = 1 / Math.sqrt(norm)
  return v.map((x) => x * s)
}

/**
 * An Embedder over `POST {url}/v1/embeddings` (OpenAI, Ollama, TEI, vLLM): batches of `batchSize` texts, each
 * request bounded by `timeout` and retried with exponential backoff and jitter on 429, 5xx and transport errors.
 * The API key is sent as a bearer token and never appears in errors or logs.
 */
export const make = (options: OpenAiCompatibleOptions) =>
  Effect.gen(function* () {
    const client = yield* HttpClient.HttpClient
    const endpoint = `${options.url.replace(/\/+$/, "").replace(/\/v1$/, "")}/v1/embeddings`
    const batchSize = options.batchSize ?? 64
    const service = `embeddings at ${endpoint}`
    const retries = options.retries ?? 3
    const schedule = Schedule.exponential(options.retryBase ?? "200 millis", 2).pipe(
      Schedule.jittered,
      Schedule.intersect(Schedule.recurs(retries))
    )

    const request = (texts: ReadonlyArray<string>) =>
      Effect.gen(function* () {
        let req = HttpClientRequest.post(endpoint).pipe(
          HttpClientRequest.bodyUnsafeJson({
            model: options.model,
            input: texts,
            encoding_format: "float",
            ...(options.sendDimensions ? { dimensions: options.dimension } : {})
          })
        )
        if (Option.isSome(options.apiKey)) req = HttpClientRequest.bearerToken(req, options.apiKey.value)
        const response = yield* client
          .execute(req)
          .pipe(Effect.mapError((e) => new Retryable(`request failed: ${e.reason}`)))
        if (response.status === 429 || response.status >= 500) {
          return yield* Effect.fail(new Retryable(`HTTP ${response.status}`))
        }
        if (response.status >= 400) {
          const body = yield* response.text.pipe(Effect.orElseSucceed(() => ""))
          return yield* Effect.fail(new Fatal(`HTTP ${response.status}: ${body.slice(0, 200)}`))
        }
        const json = yield* response.json.pipe(Effect.mapError(() => new Fatal("response is not JSON")))
        const decoded = yield* Schema.decodeUnknown(EmbeddingsResponse)(json).pipe(
          Effect.mapError(() => new Fatal("response has no data[].embedding"))
        )
        const ordered = [...decoded.data].sort((a, b) => a.index - b.index)
        if (ordered.length !== texts.length) {
          return yield* Effect.fail(new Fatal(`returned ${ordered.length} embeddings for ${texts.length} inputs`))
        }
        const wrong = ordered.find((d) => d.embedding.length !== options.dimension)
        if (wrong !== undefined) {
          return yield* Effect.fail(
            new Fatal(`returned ${wrong.embedding.length} dimensions; configured for ${options.dimension}`)
          )
        }
        return ordered.map((d) => normalize(d.embedding))
      }).pipe(
        Effect.scoped,
        Effect.timeoutFail({
          duration: options.timeout ?? "30 seconds",
          onTimeout: () => new Retryable("timed out")
        }),
        Effect.retry({ schedule, while: (e) => e._tag === "Retryable" }),
        Effect.mapError(
          (e) =>
            new Unavailable({
              service,
              reason: e._tag === "Retryable" ? `${e.reason} (after ${retries + 1} attempts)` : e.reason
            })
        )
      )

    return Embedder.of({
      modelId: `openai-compatible:${options.model}:${options.dimension}`,
      dimension: options.dimension,
      embed: (texts) =>
        Effect.gen(function* () {
          const out: Array<ReadonlyArray<number>> = []
          for (let i = 0; i < texts.length; i += batchSize) out.push(...(yield* request(texts.slice(i, i + batchSize))))
          return out
        }).pipe(Effect.withSpan("EmbedderOpenAiCompatible.embed", { attributes: { texts: texts.length } }))
    })
  })

export const layer = (options: OpenAiCompatibleOptions) => Layer.effect(Embedder, make(options))

/** `layer` over the global fetch (Node 18+), for callers that have no HttpClient of their own. */
export const layerFetch = (options: OpenAiCompatibleOptions) =>
  layer(options).pipe(Layer.provide(FetchHttpClient.layer))

/**
 * From the environment: EMBEDDINGS_URL, EMBEDDINGS_MODEL, EMBEDDINGS_API_KEY (optional, redacted),
 * EMBEDDINGS_DIMENSION (default 384), EMBEDDINGS_BATCH_SIZE (64), EMBEDDINGS_TIMEOUT (30 seconds),
 * EMBEDDINGS_RETRIES (3), EMBEDDINGS_SEND_DIMENSIONS (false).
 */
export const config = Config.all({
  url: Config.string("EMBEDDINGS_URL"),
  model: Config.string("EMBEDDINGS_MODEL"),
  apiKey: Config.option(Config.redacted("EMBEDDINGS_API_KEY")),
  dimension: Config.integer("EMBEDDINGS_DIMENSION").pipe(
    Config.withDefault(DEFAULT_EMBEDDING_DIMENSION),
    Config.validate({ message: "must be a positive integer", validation: (n) => n > 0 })
  ),
  batchSize: Config.integer("EMBEDDINGS_BATCH_SIZE").pipe(
    Config.withDefault(64),
    Config.validate({ message: "must be from 1 to 2048", validation: (n) => n >= 1 && n <= 2048 })
  ),
  timeout: Config.duration("EMBEDDINGS_TIMEOUT").pipe(Config.withDefault(Duration.seconds(30))),
  retries: Config.integer("EMBEDDINGS_RETRIES").pipe(
    Config.withDefault(3),
    Config.validate({ message: "must be from 0 to 10", validation: (n) => n >= 0 && n <= 10 })
  ),
  sendDimensions: Config.boolean("EMBEDDINGS_SEND_DIMENSIONS").pipe(Config.withDefault(false))
})

export const layerConfig = Layer.unwrapEffect(Effect.map(config, layerFetch))
