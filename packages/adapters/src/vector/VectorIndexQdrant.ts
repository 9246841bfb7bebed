import {
  IndexMismatch,
  Unavailable,
  type VectorFilter,
  type VectorHit,
  VectorIndex,
  VectorIndexSpec
} from "@leadforge/domain"
import type { QdrantClient } from "@qdrant/js-client-rest"
import { Config, Effect, Layer, Option, Redacted, Ref } from "effect"
import { checkDimension as sameDimension } from "./checkDimension.js"

export interface QdrantOptions {
  readonly url: string
  readonly apiKey: Option.Option<Redacted.Redacted>
  /** Collections are named `<prefix>_<dimension>`. */
  readonly collectionPrefix?: string
  readonly m?: number
  readonly efConstruct?: number
  readonly efSearch?: number
  /** Seconds per request. */
  readonly timeout?: number
}

/**
 * Like Effect.cached, but only a success is kept: after a failure (Qdrant not up yet, a network blip) the next
 * caller tries again instead of getting the first failure forever. Concurrent first callers wait for one attempt.
 */
const cachedSuccess = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const cell = yield* Ref.make(Option.none<A>())
    const permit = yield* Effect.makeSemaphore(1)
    const attempt = Effect.flatMap(
      Ref.get(cell),
      Option.match({
        onSome: (a) => Effect.succeed(a),
        onNone: () => Effect.tap(effect, (a) => Ref.set(cell, Option.some(a)))
      })
    )
    return Effect.flatMap(
      Ref.get(cell),
      Option.match({ onSome: (a) => Effect.succeed(a), onNone: () => permit.withPermits(1)(attempt) })
    )
  })

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

const describe = (error: unknown): string => {
  if (typeof error === "object" && error !== null) {
    const e = error as { message?: unknown; status?: unknown; data?: unknown }
    const status = typeof e.status === "number" ? `HTTP ${e.status} ` : ""
    return `${status}${String(e.message ?? error)}`
  }
  return String(error)
}

const filterOf = (filter: VectorFilter, ids?: ReadonlyArray<string>) => ({
  must: [
    { key: "organization_id", match: { value: filter.organizationId as string } },
    ...(filter.kind === undefined ? [] : [{ key: "kind", match: { value: filter.kind } }]),
    ...(filter.documentId === undefined ? [] : [{ key: "document_id", match: { value: filter.documentId } }]),
    ...(filter.leadId === undefined ? [] : [{ key: "lead_id", match: { value: filter.leadId } }]),
    ...(ids === undefined ? [] : [{ has_id: [...ids] }])
  ]
})

/**
 * A VectorIndex on Qdrant: one collection per dimension (`<prefix>_<dimension>`), created on first use with
 * HNSW parameters from the options, organization as an indexed tenant payload field (plus kind, document and
 * lead). The collection's metadata records the embedder it was built with; another embedder gets IndexMismatch.
 */
export const make = (spec: VectorIndexSpec, options: QdrantOptions) =>
  Effect.gen(function* () {
    const collection = `${options.collectionPrefix ?? "leadforge"}_${spec.dimension}`
    const service = `Qdrant at ${options.url}`
    const call = <A>(what: string, f: (client: QdrantClient) => Promise<A>) =>
      Effect.flatMap(client, (c) =>
        Effect.tryPromise({
          try: () => f(c),
          catch: (error) => new Unavailable({ service, reason: `${what}: ${describe(error)}` })
        })
      )
    const client = yield* cachedSuccess(
      Effect.tryPromise({
        try: async () => {
          const { QdrantClient } = await import("@qdrant/js-client-rest")
          return new QdrantClient({
            url: options.url,
            ...(Option.isSome(options.apiKey) ? { apiKey: Redacted.value(options.apiKey.value) } : {}),
            timeout: (options.timeout ?? 30) * 1000,
            checkCompatibility: false
          })
        },
        catch: (error) => new Unavailable({ service, reason: `client: ${describe(error)}` })
      })
    )
    const ensureCollection = yield* cachedSuccess(
      Effect.gen(function* () {
        const exists = yield* call("collectionExists", (c) => c.collectionExists(collection))
        if (!exists.exists) {
          yield* call("createCollection", (c) =>
            c.createCollection(collection, {
              vectors: { size: spec.dimension, distance: "Cosine" },
              hnsw_config: { m: options.m ?? 16, ef_construct: options.efConstruct ?? 100 },
              metadata: { embedderId: spec.embedderId, dimension: spec.dimension }
            })
          ).pipe(
            // another process may have created it in between
            Effect.catchAll((e) =>
              call("collectionExists", (c) => c.collectionExists(collection)).pipe(
                Effect.flatMap((again) => (again.exists ? Effect.void : Effect.fail(e)))
              )
            )
          )
          for (const [field, tenant] of [
            ["organization_id", true],
            ["kind", false],
            ["document_id", false],
            ["lead_id", false]
          ] as const) {
            yield* call(`createPayloadIndex ${field}`, (c) =>
              c.createPayloadIndex(collection, {
                wait: true,
                field_name: field,
                field_schema: tenant ? { type: "keyword", is_tenant: true } : "keyword"
              })
            )
          }
        }
        const info = yield* call("getCollection", (c) => c.getCollection(collection))
        const metadata = (info.config as { metadata?: Record<string, unknown> | null }).metadata ?? {}
        const recorded = typeof metadata.embedderId === "string" ? metadata.embedderId : spec.embedderId
        if (recorded !== spec.embedderId) {
          return yield* Effect.fail(
            new IndexMismatch({ index: collection, expected: recorded, actual: spec.embedderId })
          )
        }
      })
    )
    const checkDimension = sameDimension(collection, spec.dimension)
    const checkId = (id: string) =>
      UUID.test(id)
        ? Effect.void
        : Effect.fail(new Unavailable({ service, reason: `point id ${id} is not a UUID, which Qdrant requires` }))

    return VectorIndex.of({
      spec,
      upsert: (points) =>
        Effect.gen(function* () {
          if (points.length === 0) return
          for (const p of points) {
            yield* checkDimension(p.vector.length)
            yield* checkId(p.id)
          }
          yield* ensureCollection
          for (let i = 0; i < points.length; i += 256) {
            const batch = points.slice(i, i + 256)
            yield* call("upsert", (c) =>
              c.upsert(collection, {
                wait: true,
                points: batch.map((p) => ({
                  id: p.id,
                  vector: [...p.vector],
                  payload: {
                    organization_id: p.organizationId,
                    kind: p.payload.kind,
                    document_id: p.payload.documentId ?? null,
                    lead_id: p.payload.leadId ?? null
                  }
                }))
              })
            )
          }
        }).pipe(Effect.withSpan("VectorIndexQdrant.upsert")),
      delete: (filter) =>
        Effect.gen(function* () {
          if (filter.ids !== undefined && filter.ids.length === 0) return
          yield* ensureCollection.pipe(Effect.catchTag("IndexMismatch", () => Effect.void))
          yield* call("delete", (c) => c.delete(collection, { wait: true, filter: filterOf(filter, filter.ids) }))
        }).pipe(Effect.withSpan("VectorIndexQdrant.delete")),
      search: (vector, k, filter) =>
        Effect.gen(function* () {
          yield* checkDimension(vector.length)
          if (k <= 0) return []
          yield* ensureCollection
          const response = yield* call("query", (c) =>
            c.query(collection, {
              query: [...vector],
              limit: Math.floor(k),
              filter: filterOf(filter),
              params: { hnsw_ef: options.efSearch ?? 128 },
              with_payload: true
            })
          )
          return response.points.map((p): VectorHit => {
            const payload = (p.payload ?? {}) as Record<string, unknown>
            return {
              id: String(p.id),
              score: p.score,
              payload: {
                kind: String(payload.kind ?? ""),
                ...(typeof payload.document_id === "string" ? { documentId: payload.document_id } : {}),
                ...(typeof payload.lead_id === "string" ? { leadId: payload.lead_id } : {})
              }
            }
          })
        }).pipe(Effect.withSpan("VectorIndexQdrant.search")),
      // Qdrant indexes segments in the background as they fill: a bulk load needs nothing special
      bulkLoad: (load) => load
    })
  })

export const layer = (spec: VectorIndexSpec, options: QdrantOptions) => Layer.effect(VectorIndex, make(spec, options))

/** QDRANT_URL, QDRANT_API_KEY (optional, redacted), QDRANT_COLLECTION_PREFIX, QDRANT_HNSW_M, QDRANT_HNSW_EF_CONSTRUCT, QDRANT_HNSW_EF. */
export const config = Config.all({
  url: Config.string("QDRANT_URL"),
  apiKey: Config.option(Config.redacted("QDRANT_API_KEY")),
  collectionPrefix: Config.string("QDRANT_COLLECTION_PREFIX").pipe(Config.withDefault("leadforge")),
  m: Config.integer("QDRANT_HNSW_M").pipe(Config.withDefault(16)),
  efConstruct: Config.integer("QDRANT_HNSW_EF_CONSTRUCT").pipe(Config.withDefault(100)),
  efSearch: Config.integer("QDRANT_HNSW_EF").pipe(Config.withDefault(128))
})

export const layerConfig = (spec: VectorIndexSpec) =>
  Layer.unwrapEffect(Effect.map(config, (options) => layer(spec, options)))

export { VectorIndexSpec }
