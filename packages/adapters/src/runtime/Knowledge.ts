import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { Embedder, KnowledgeBackend, type OrganizationId, VectorIndex, type VectorStoreState } from "@leadforge/domain"
import { Config, type ConfigError, Context, Effect, Layer, Option, Redacted, Scope } from "effect"
import { EmbedderHashing } from "../embeddings/EmbedderHashing.js"
import * as EmbedderOpenAiCompatible from "../embeddings/EmbedderOpenAiCompatible.js"
import { specFor } from "../vector/index.js"
import * as VectorIndexPgvector from "../vector/pgvector/VectorIndexPgvector.js"
import * as VectorIndexQdrant from "../vector/VectorIndexQdrant.js"
import { RuntimeSettings, type Settings, settingsLayer } from "./Settings.js"

/** /health runs its probes side by side, each within this, so it answers in well under 200 ms even when one hangs. */
export const PROBE_TIMEOUT_MS = 150

export type VectorIndexOpenError = VectorIndexPgvector.PgvectorUnavailable | SqlError | ConfigError.ConfigError

/** The embedder the settings choose: the OpenAI-compatible one with EMBEDDINGS_URL, else hashing. */
export const embedderFor = (settings: Settings): Layer.Layer<Embedder, ConfigError.ConfigError> =>
  settings.embedder === "openai-compatible" ? EmbedderOpenAiCompatible.layerConfig : EmbedderHashing

export const embedder: Layer.Layer<Embedder, ConfigError.ConfigError> = Layer.unwrapEffect(
  Effect.map(RuntimeSettings, embedderFor)
).pipe(Layer.provide(settingsLayer))

/**
 * The index the settings choose for the Embedder in context: Qdrant with QDRANT_URL, otherwise pgvector on the
 * SqlClient's database (PGlite has it; a PostgreSQL without the extension fails with PgvectorUnavailable naming the
 * alternatives). The index records the embedder that fills it.
 */
export const vectorIndexFor = (
  settings: Settings
): Layer.Layer<VectorIndex, VectorIndexOpenError, Embedder | SqlClient.SqlClient> =>
  Layer.unwrapEffect(
    Effect.map(Embedder, (embedder) => {
      const spec = specFor(embedder)
      return settings.vectors._tag === "Qdrant"
        ? (VectorIndexQdrant.layerConfig(spec) as Layer.Layer<VectorIndex, VectorIndexOpenError, SqlClient.SqlClient>)
        : (VectorIndexPgvector.layerConfig(spec) as Layer.Layer<VectorIndex, VectorIndexOpenError, SqlClient.SqlClient>)
    })
  )

/** The index the settings choose, for the Embedder in context. */
export const vectorIndex: Layer.Layer<
  VectorIndex,
  VectorIndexOpenError | ConfigError.ConfigError,
  Embedder | SqlClient.SqlClient
> = Layer.unwrapEffect(Effect.map(RuntimeSettings, vectorIndexFor)).pipe(Layer.provide(settingsLayer))

/** The embedder and index together (the index for that embedder). */
export const knowledgeServices: Layer.Layer<Embedder | VectorIndex, VectorIndexOpenError, SqlClient.SqlClient> =
  Layer.unwrapEffect(
    Effect.map(RuntimeSettings, (settings) => vectorIndexFor(settings).pipe(Layer.provideMerge(embedderFor(settings))))
  ).pipe(Layer.provide(settingsLayer))

/** Opens a fresh index for `embedder` in the current scope (after a drop, for `leadforge reindex`). */
export const openVectorIndex = (embedder: Embedder.Service) =>
  Effect.flatMap(RuntimeSettings, (settings) =>
    Layer.build(vectorIndexFor(settings).pipe(Layer.provide(Layer.succeed(Embedder, embedder))))
  ).pipe(
    Effect.map((context) => Context.get(context, VectorIndex)),
    Effect.provide(settingsLayer)
  )

/**
 * Drops an index built by another embedder so it can be rebuilt. Only the pgvector table can be dropped here; a
 * Qdrant collection is shared by every organization and is left to its operator (fails with the collection named).
 */
export const dropVectorIndex = (name: string) =>
  Effect.flatMap(
    RuntimeSettings,
    (settings): Effect.Effect<boolean, SqlError, SqlClient.SqlClient> =>
      settings.vectors._tag === "Qdrant" ? Effect.succeed(false) : Effect.as(VectorIndexPgvector.drop(name), true)
  ).pipe(Effect.provide(settingsLayer))

/** Every organization's id, oldest first (a rebuild after a drop covers them all). */
export const everyOrganization = Effect.flatMap(
  SqlClient.SqlClient,
  (sql) => sql<{ readonly id: string }>`SELECT id FROM organizations ORDER BY created_at, id`
).pipe(Effect.map((rows) => rows.map((row) => row.id as OrganizationId)))

const describe = (error: unknown) =>
  typeof error === "object" && error !== null && "message" in error ? String(error.message) : String(error)

/**
 * Qdrant answers GET /readyz when it can serve requests. The deadline is the fiber's: Effect.timeout interrupts the
 * call, which aborts the request through `signal`. It used to be AbortSignal.timeout merged into the request's
 * signal with AbortSignal.any; on Node 20, against a Qdrant that accepted connections and never answered, /health
 * stopped answering after ≈ 80 calls (`pnpm bench health` found it; the deadline through the fiber does not).
 */
const probeQdrant = (url: string, apiKey: Option.Option<Redacted.Redacted>) =>
  Effect.tryPromise({
    try: (signal) =>
      fetch(new URL("/readyz", url), {
        signal,
        headers: Option.isSome(apiKey) ? { "api-key": Redacted.value(apiKey.value) } : {}
      }),
    catch: () => "unreachable"
  }).pipe(
    Effect.timeout(PROBE_TIMEOUT_MS),
    Effect.map((response): VectorStoreState => (response.ok ? "connected" : "disconnected")),
    Effect.orElseSucceed((): VectorStoreState => "disconnected")
  )

/**
 * The embedder and vector index, opened once over the process's database; a failure to open them is recorded with
 * the reason and how to fix it, not fatal (the knowledge endpoints answer 503 and /health reports `not_configured`).
 */
export const knowledgeFor = (settings: Settings): Layer.Layer<KnowledgeBackend, never, SqlClient.SqlClient> =>
  Layer.scoped(
    KnowledgeBackend,
    Effect.gen(function* () {
      const kind = settings.vectors._tag === "Qdrant" ? "qdrant" : "pgvector"
      const scope = yield* Scope.Scope
      const opened = yield* Layer.buildWithScope(
        vectorIndexFor(settings).pipe(Layer.provideMerge(embedderFor(settings))),
        scope
      ).pipe(Effect.either)
      if (opened._tag === "Left") {
        const reason =
          `knowledge search needs a vector index and none could be opened: ${describe(opened.left)}. ` +
          "To enable it set QDRANT_URL to a Qdrant server, use a PostgreSQL that has the pgvector extension, " +
          "or unset DATABASE_URL to use the embedded database (which has pgvector)"
        yield* Effect.logWarning("knowledge endpoints are disabled", reason)
        return KnowledgeBackend.of({ kind, services: Option.none(), reason, probe: Effect.succeed("not_configured") })
      }
      const qdrantKey = yield* Config.option(Config.redacted("QDRANT_API_KEY")).pipe(
        Effect.orElseSucceed(() => Option.none())
      )
      const vectors = settings.vectors
      return KnowledgeBackend.of({
        kind,
        services: Option.some(opened.right as Context.Context<Embedder | VectorIndex>),
        reason: null,
        probe: vectors._tag === "Qdrant" ? probeQdrant(vectors.url, qdrantKey) : Effect.succeed(null)
      })
    })
  )

export const knowledge: Layer.Layer<KnowledgeBackend, ConfigError.ConfigError, SqlClient.SqlClient> =
  Layer.unwrapEffect(Effect.map(RuntimeSettings, knowledgeFor)).pipe(Layer.provide(settingsLayer))
