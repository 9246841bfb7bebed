import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { type VectorFilter, type VectorHit, VectorIndex, type VectorIndexSpec } from "@leadforge/domain"
import { Config, Effect, Layer, Option } from "effect"
import { PgliteDatabase } from "../../pglite/PgliteClient.js"
import { inTimedBatches } from "../../shared/batches.js"
import { toUnavailable } from "../../sql/errors.js"
import { checkDimension as sameDimension } from "../checkDimension.js"
import { makeBulkLoader } from "./bulkLoad.js"
import { buildHnsw, createTable, dropIndex, ensureExtension, MEMORY, namesOf, register } from "./schema.js"
import { batchWriter, lastOfEach, vectorLiteral } from "./writes.js"

export { PgvectorUnavailable } from "./schema.js"
export { vectorLiteral } from "./writes.js"

export interface PgvectorOptions {
  /** HNSW graph degree and build beam (pgvector defaults 16 and 64); used when the index is (re)built. */
  readonly m?: number
  readonly efConstruction?: number
  /** Search beam; recall rises with it (pgvector default 40, ours 200). */
  readonly efSearch?: number
  /** Skip the HNSW index and scan exactly (small collections, and the baseline in benchmarks). */
  readonly exact?: boolean
  /** Memory for building the HNSW graph (default 512MB); a graph that does not fit is built far more slowly. */
  readonly buildMemory?: string
}

/**
 * A VectorIndex on pgvector over SqlClient (PGlite with the vector extension, or any PostgreSQL that has it):
 * one table per index, `leadforge_vectors_<name>`, with an HNSW cosine index, and a row in
 * `leadforge_vector_indexes` recording the embedder and dimension it was built with. Opening it with another
 * embedder makes every call fail with IndexMismatch until the index is dropped and rebuilt.
 *
 * The pieces: `schema` (extension, registry, table, HNSW), `writes` (the two upsert paths), `bulkLoad` (deferred
 * HNSW builds and ANALYZE); this module composes them and searches.
 */
export const make = (spec: VectorIndexSpec, options: PgvectorOptions = {}) =>
  Effect.gen(function* () {
    const names = yield* namesOf(spec.name)
    const buildMemory = options.buildMemory ?? "512MB"
    if (!MEMORY.test(buildMemory)) return yield* Effect.dieMessage(`buildMemory ${buildMemory} must match ${MEMORY}`)
    const sql = yield* SqlClient.SqlClient
    const pglite = yield* Effect.serviceOption(PgliteDatabase)
    const { iterativeScan } = yield* ensureExtension(sql)
    const mismatch = yield* register(sql, spec)
    const buildIndex = buildHnsw(sql, names, {
      m: options.m ?? 16,
      efConstruction: options.efConstruction ?? 64,
      buildMemory,
      serial: Option.isSome(pglite)
    })
    if (Option.isNone(mismatch)) {
      yield* createTable(sql, names, spec.dimension)
      yield* buildIndex
    }
    const guard = Option.match(mismatch, { onNone: () => Effect.void, onSome: Effect.fail })
    const checkDimension = sameDimension(spec.name, spec.dimension)
    const unavailable = <A, E, R>(effect: Effect.Effect<A, E | SqlError, R>) =>
      Effect.catchTag(effect, "SqlError", (e) => toUnavailable(e as SqlError))
    const writer = batchWriter(sql, spec, names.table, pglite)
    const loader = yield* makeBulkLoader(sql, names, buildIndex, Option.isNone(mismatch))

    const where = (filter: VectorFilter) =>
      sql.and([
        sql`organization_id = ${filter.organizationId}`,
        ...(filter.kind === undefined ? [] : [sql`kind = ${filter.kind}`]),
        ...(filter.documentId === undefined ? [] : [sql`document_id = ${filter.documentId}`]),
        ...(filter.leadId === undefined ? [] : [sql`lead_id = ${filter.leadId}`])
      ])
    const efSearch = String(options.efSearch ?? 200)
    const searchSettings = options.exact
      ? sql`SET LOCAL enable_indexscan = off`
      : iterativeScan
        ? sql`SELECT set_config('hnsw.ef_search', ${efSearch}, true),
            set_config('hnsw.iterative_scan', 'strict_order', true)`
        : sql`SELECT set_config('hnsw.ef_search', ${efSearch}, true)`

    return VectorIndex.of({
      spec,
      upsert: (points) =>
        Effect.gen(function* () {
          yield* guard
          for (const p of points) yield* checkDimension(p.vector.length)
          const unique = lastOfEach(points)
          yield* inTimedBatches(unique, writer.sizing, (batch) =>
            Effect.zipRight(loader.beforeWrite(batch.length), writer.write(batch))
          )
          yield* loader.afterWrite(unique.length)
        }).pipe(unavailable, Effect.withSpan("VectorIndexPgvector.upsert", { attributes: { points: points.length } })),
      delete: (filter) =>
        Effect.gen(function* () {
          if (Option.isSome(mismatch)) return
          if (filter.ids !== undefined && filter.ids.length === 0) return
          const conditions = where(filter)
          yield* filter.ids === undefined
            ? sql`DELETE FROM ${sql(names.table)} WHERE ${conditions}`
            : sql`DELETE FROM ${sql(names.table)} WHERE ${conditions} AND id = ANY(${[...filter.ids]}::text[])`
        }).pipe(unavailable, Effect.withSpan("VectorIndexPgvector.delete")),
      search: (vector, k, filter) =>
        Effect.gen(function* () {
          yield* guard
          yield* checkDimension(vector.length)
          if (k <= 0) return []
          const literal = vectorLiteral(vector)
          const query = sql<{
            readonly id: string
            readonly kind: string
            readonly doc: string | null
            readonly lead: string | null
            readonly score: number
          }>`SELECT id, kind, document_id AS doc, lead_id AS lead, 1 - (embedding <=> ${literal}::vector) AS score
            FROM ${sql(names.table)} WHERE ${where(filter)}
            ORDER BY embedding <=> ${literal}::vector LIMIT ${Math.floor(k)}`
          const rows = yield* sql.withTransaction(Effect.zipRight(searchSettings, query))
          return rows.map(
            (r): VectorHit => ({
              id: r.id,
              score: Number(r.score),
              payload: {
                kind: r.kind,
                ...(r.doc === null ? {} : { documentId: r.doc }),
                ...(r.lead === null ? {} : { leadId: r.lead })
              }
            })
          )
        }).pipe(unavailable, Effect.withSpan("VectorIndexPgvector.search", { attributes: { k } })),
      bulkLoad: (load) => loader.bulkLoad(load).pipe(Effect.withSpan("VectorIndexPgvector.bulkLoad"))
    })
  })

export const layer = (spec: VectorIndexSpec, options: PgvectorOptions = {}) =>
  Layer.effect(VectorIndex, make(spec, options))

/** PGVECTOR_HNSW_M, PGVECTOR_HNSW_EF_CONSTRUCTION (used when the index is built), PGVECTOR_HNSW_EF_SEARCH. */
export const config = Config.all({
  m: Config.integer("PGVECTOR_HNSW_M").pipe(Config.withDefault(16)),
  efConstruction: Config.integer("PGVECTOR_HNSW_EF_CONSTRUCTION").pipe(Config.withDefault(64)),
  efSearch: Config.integer("PGVECTOR_HNSW_EF_SEARCH").pipe(Config.withDefault(200))
})

export const layerConfig = (spec: VectorIndexSpec) =>
  Layer.unwrapEffect(Effect.map(config, (options) => layer(spec, options)))

/** Drops an index's table and its record (before `leadforge reindex` with another embedder). */
export const drop = (name: string) => Effect.flatMap(SqlClient.SqlClient, (sql) => dropIndex(sql, name))
