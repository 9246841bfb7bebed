import * as SqlClient from "@effect/sql/SqlClient"
import { SqlError } from "@effect/sql/SqlError"
import {
  IndexMismatch,
  type VectorFilter,
  type VectorHit,
  VectorIndex,
  type VectorIndexSpec,
  type VectorPoint
} from "@leadforge/domain"
import { Config, Data, Effect, FiberRef, Layer, Option, Ref } from "effect"
import { PgliteDatabase } from "../pglite/PgliteClient.js"
import { toUnavailable } from "../sql/errors.js"
import { binaryCopyPayload, lastOfEach } from "./pgvectorCopy.js"

/** This PostgreSQL has no pgvector extension: vectors need another index (Qdrant or in-memory). */
export class PgvectorUnavailable extends Data.TaggedError("PgvectorUnavailable")<{ readonly reason: string }> {
  override get message() {
    return `pgvector is not available in this PostgreSQL (${this.reason}); install the vector extension, set QDRANT_URL to use Qdrant, or use the in-memory index`
  }
}

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
 * A bulk load drops the HNSW index once it has loaded this many rows and at least a quarter of the rows that were
 * there before it (building the graph once is about five times cheaper per row than maintaining it row by row on
 * PGlite, so past that point the rebuild wins); smaller loads keep maintaining the index.
 */
const DEFER_AT_LEAST = 2_000
const DEFER_FRACTION = 0.25
const MEMORY = /^[0-9]{1,6}\s*(kB|MB|GB)$/

const NAME = /^[a-z][a-z0-9_]{0,40}$/

/** A vector literal: short decimal text, which pgvector parses faster than full-precision floats. */
export const vectorLiteral = (v: ReadonlyArray<number>): string => {
  let out = "["
  for (let i = 0; i < v.length; i++) {
    if (i > 0) out += ","
    out += String(Math.round(v[i]! * 1e6) / 1e6)
  }
  return `${out}]`
}

/**
 * A VectorIndex on pgvector over SqlClient (PGlite with the vector extension, or any PostgreSQL that has it):
 * one table per index, `leadforge_vectors_<name>`, with an HNSW cosine index, and a row in
 * `leadforge_vector_indexes` recording the embedder and dimension it was built with. Opening it with another
 * embedder makes every call fail with IndexMismatch until the index is dropped and rebuilt.
 *
 * On PGlite, upserts travel as one binary COPY per batch into a staging table merged with one INSERT … ON
 * CONFLICT. A large `bulkLoad` drops the HNSW index and builds it once at the end; if the process dies in between,
 * the next open finds the index missing and builds it (searches meanwhile scan exactly, so they stay correct).
 * PGlite has no autovacuum, so the adapter runs ANALYZE itself after bulk loads and once enough rows changed:
 * without statistics the planner never picks the HNSW index.
 */
export const make = (spec: VectorIndexSpec, options: PgvectorOptions = {}) =>
  Effect.gen(function* () {
    if (!NAME.test(spec.name)) return yield* Effect.dieMessage(`vector index name ${spec.name} must match ${NAME}`)
    const buildMemory = options.buildMemory ?? "512MB"
    if (!MEMORY.test(buildMemory)) return yield* Effect.dieMessage(`buildMemory ${buildMemory} must match ${MEMORY}`)
    const sql = yield* SqlClient.SqlClient
    const pglite = yield* Effect.serviceOption(PgliteDatabase)
    const installed = yield* sql<{ readonly n: number }>`
      SELECT count(*)::int AS n FROM pg_extension WHERE extname = 'vector'`
    if ((installed[0]?.n ?? 0) === 0) {
      const available = yield* sql<{ readonly n: number }>`
        SELECT count(*)::int AS n FROM pg_available_extensions WHERE name = 'vector'`
      if ((available[0]?.n ?? 0) === 0) {
        return yield* Effect.fail(
          new PgvectorUnavailable({ reason: "the vector extension is not installed on the server" })
        )
      }
      yield* sql`CREATE EXTENSION IF NOT EXISTS vector`.pipe(
        Effect.mapError((e) => new PgvectorUnavailable({ reason: `CREATE EXTENSION vector failed: ${e.message}` }))
      )
    }
    const version = yield* sql<{
      readonly v: string
    }>`SELECT extversion AS v FROM pg_extension WHERE extname = 'vector'`
    const [major = 0, minor = 0] = (version[0]?.v ?? "0").split(".").map(Number)
    // pgvector 0.8 keeps scanning the graph until k rows pass the filter; older versions may return fewer
    const iterativeScan = major > 0 || minor >= 8
    const table = `leadforge_vectors_${spec.name}`
    const hnsw = `${table}_hnsw`
    // session-local, so it outlives a drop and rebuild of the index in another dimension: name it by both
    const stage = `leadforge_stage_${spec.name}_${spec.dimension}`
    yield* sql`CREATE TABLE IF NOT EXISTS leadforge_vector_indexes (
      name text PRIMARY KEY,
      embedder_id text NOT NULL,
      dimension integer NOT NULL,
      distance text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`
    yield* sql`INSERT INTO leadforge_vector_indexes (name, embedder_id, dimension, distance)
      VALUES (${spec.name}, ${spec.embedderId}, ${spec.dimension}, ${spec.distance}) ON CONFLICT (name) DO NOTHING`
    const stored = yield* sql<{ readonly embedder: string; readonly dim: number }>`
      SELECT embedder_id AS embedder, dimension AS dim FROM leadforge_vector_indexes WHERE name = ${spec.name}`
    const recorded = stored[0]!
    const mismatch =
      recorded.embedder !== spec.embedderId || recorded.dim !== spec.dimension
        ? new IndexMismatch({
            index: spec.name,
            expected: `${recorded.embedder} (${recorded.dim} dimensions)`,
            actual: `${spec.embedderId} (${spec.dimension} dimensions)`
          })
        : null

    const analyze = sql`ANALYZE ${sql(table)}`
    /** Builds the HNSW index if it is missing (true when it built one), with memory for the whole graph. */
    const buildIndex = Effect.gen(function* () {
      const exists = yield* sql<{ readonly n: number }>`SELECT count(*)::int AS n FROM pg_class WHERE relname = ${hnsw}`
      if ((exists[0]?.n ?? 0) > 0) return false
      yield* sql.withTransaction(
        Effect.gen(function* () {
          yield* sql`SELECT set_config('maintenance_work_mem', ${buildMemory}, true)`
          // PGlite has no parallel workers, but a parallel plan still maps shared memory it may not get
          if (Option.isSome(pglite)) yield* sql`SET LOCAL max_parallel_maintenance_workers = 0`
          yield* sql`CREATE INDEX IF NOT EXISTS ${sql(hnsw)} ON ${sql(table)}
            USING hnsw (embedding vector_cosine_ops)
            WITH (m = ${sql.literal(String(options.m ?? 16))}, ef_construction = ${sql.literal(String(options.efConstruction ?? 64))})`
        })
      )
      yield* analyze
      return true
    })

    if (mismatch === null) {
      yield* sql`CREATE TABLE IF NOT EXISTS ${sql(table)} (
        organization_id uuid NOT NULL,
        id text NOT NULL,
        kind text NOT NULL,
        document_id text,
        lead_id text,
        embedding ${sql.literal(`vector(${spec.dimension})`)} NOT NULL,
        PRIMARY KEY (organization_id, id)
      )`
      yield* sql`CREATE INDEX IF NOT EXISTS ${sql(`${table}_org_kind`)} ON ${sql(table)} (organization_id, kind)`
      yield* buildIndex
    }
    const guard = mismatch === null ? Effect.void : Effect.fail(mismatch)
    const checkDimension = (length: number) =>
      length === spec.dimension
        ? Effect.void
        : Effect.fail(
            new IndexMismatch({
              index: spec.name,
              expected: `dimension ${spec.dimension}`,
              actual: `dimension ${length}`
            })
          )
    const unavailable = <A, E, R>(effect: Effect.Effect<A, E | SqlError, R>) =>
      Effect.catchTag(effect, "SqlError", (e) => toUnavailable(e as SqlError))

    const where = (filter: VectorFilter) =>
      sql.and([
        sql`organization_id = ${filter.organizationId}`,
        ...(filter.kind === undefined ? [] : [sql`kind = ${filter.kind}`]),
        ...(filter.documentId === undefined ? [] : [sql`document_id = ${filter.documentId}`]),
        ...(filter.leadId === undefined ? [] : [sql`lead_id = ${filter.leadId}`])
      ])

    const onConflict = sql.literal(`ON CONFLICT (organization_id, id) DO UPDATE SET
      kind = EXCLUDED.kind, document_id = EXCLUDED.document_id, lead_id = EXCLUDED.lead_id,
      embedding = EXCLUDED.embedding`)

    /** Any PostgreSQL: one INSERT from arrays of text, vectors as short decimal literals. */
    const insertBatch = (points: ReadonlyArray<VectorPoint>) =>
      sql`INSERT INTO ${sql(table)} (organization_id, id, kind, document_id, lead_id, embedding)
        SELECT o::uuid, i, k, d, l, e::vector FROM unnest(
          ${points.map((p) => p.organizationId)}::text[],
          ${points.map((p) => p.id)}::text[],
          ${points.map((p) => p.payload.kind)}::text[],
          ${points.map((p) => p.payload.documentId ?? null)}::text[],
          ${points.map((p) => p.payload.leadId ?? null)}::text[],
          ${points.map((p) => vectorLiteral(p.vector))}::text[]
        ) AS t(o, i, k, d, l, e) ${onConflict}`

    /** PGlite: binary COPY from a blob into a session-local staging table, merged with one INSERT … SELECT. */
    const copyBatch = (db: PgliteDatabase["Type"], points: ReadonlyArray<VectorPoint>) =>
      sql.withTransaction(
        Effect.gen(function* () {
          yield* sql`CREATE TEMP TABLE IF NOT EXISTS ${sql(stage)} (LIKE ${sql(table)}) ON COMMIT DELETE ROWS`
          yield* sql`TRUNCATE ${sql(stage)}`
          // the transaction holds PGlite's one connection, so the raw COPY runs inside it
          yield* Effect.tryPromise({
            try: () =>
              db.query(`COPY ${stage} FROM '/dev/blob' WITH (FORMAT binary)`, [], {
                blob: new Blob([binaryCopyPayload(points, spec.dimension)])
              }),
            catch: (cause) => new SqlError({ cause, message: "COPY of the vectors failed" })
          })
          yield* sql`INSERT INTO ${sql(table)} SELECT * FROM ${sql(stage)} ${onConflict}`
        })
      )

    const writeBatch = Option.match(pglite, {
      onNone: () => ({ size: 500, write: insertBatch }),
      onSome: (db) => ({ size: 5_000, write: (points: ReadonlyArray<VectorPoint>) => copyBatch(db, points) })
    })

    /** Rows this instance wrote since it last ran ANALYZE, and the table's size then (PGlite has no autovacuum). */
    const reltuples = sql<{ readonly n: number }>`
      SELECT greatest(reltuples, 0)::float8 AS n FROM pg_class WHERE relname = ${table}`.pipe(
      Effect.map((rows) => Number(rows[0]?.n ?? 0))
    )
    const analyzed = yield* Ref.make({ rows: mismatch === null ? yield* reltuples : 0, written: 0 })
    const runAnalyze = Effect.zipRight(
      analyze,
      Effect.flatMap(reltuples, (rows) => Ref.set(analyzed, { rows, written: 0 }))
    )
    const countWritten = (n: number) =>
      Effect.flatMap(
        Ref.updateAndGet(analyzed, (a) => ({ ...a, written: a.written + n })),
        (a) => (a.written > 500 + 0.1 * a.rows ? runAnalyze : Effect.void)
      )

    interface Bulk {
      readonly active: boolean
      readonly before: number
      readonly loaded: number
      readonly deferred: boolean
    }
    const idle: Bulk = { active: false, before: 0, loaded: 0, deferred: false }
    const bulk = yield* Ref.make(idle)
    const bulkPermit = yield* Effect.makeSemaphore(1)
    const inBulk = FiberRef.unsafeMake(false)

    /** Inside a bulk load, drops the HNSW index once the load is large enough to make one rebuild cheaper. */
    const beforeWrite = (n: number) =>
      Effect.gen(function* () {
        const state = yield* Ref.get(bulk)
        if (!state.active) return
        const loaded = state.loaded + n
        const defer = !state.deferred && loaded >= DEFER_AT_LEAST && loaded >= DEFER_FRACTION * state.before
        if (defer) yield* sql`DROP INDEX IF EXISTS ${sql(hnsw)}`
        yield* Ref.set(bulk, { ...state, loaded, deferred: state.deferred || defer })
      })

    const finishBulk = Effect.gen(function* () {
      const state = yield* Ref.getAndSet(bulk, idle)
      const built = state.deferred ? yield* buildIndex : false
      if (!built && state.loaded > 0) yield* runAnalyze
      else if (built) yield* Ref.set(analyzed, { rows: yield* reltuples, written: 0 })
    }).pipe(
      // the index stays missing until the next open builds it; searches still answer, by scanning
      Effect.catchAllCause((cause) => Effect.logWarning(`rebuilding the HNSW index ${hnsw} failed`, cause)),
      Effect.withSpan("VectorIndexPgvector.finishBulkLoad")
    )

    const efSearch = String(options.efSearch ?? 200)

    return VectorIndex.of({
      spec,
      upsert: (points) =>
        Effect.gen(function* () {
          yield* guard
          for (const p of points) yield* checkDimension(p.vector.length)
          const unique = lastOfEach(points)
          for (let i = 0; i < unique.length; i += writeBatch.size) {
            const batch = unique.slice(i, i + writeBatch.size)
            yield* beforeWrite(batch.length)
            yield* writeBatch.write(batch)
          }
          if (!(yield* Ref.get(bulk)).active && unique.length > 0) yield* countWritten(unique.length)
        }).pipe(unavailable, Effect.withSpan("VectorIndexPgvector.upsert", { attributes: { points: points.length } })),
      delete: (filter) =>
        Effect.gen(function* () {
          if (mismatch !== null) return
          if (filter.ids !== undefined && filter.ids.length === 0) return
          const conditions = where(filter)
          yield* filter.ids === undefined
            ? sql`DELETE FROM ${sql(table)} WHERE ${conditions}`
            : sql`DELETE FROM ${sql(table)} WHERE ${conditions} AND id = ANY(${[...filter.ids]}::text[])`
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
            FROM ${sql(table)} WHERE ${where(filter)}
            ORDER BY embedding <=> ${literal}::vector LIMIT ${Math.floor(k)}`
          const settings = options.exact
            ? sql`SET LOCAL enable_indexscan = off`
            : iterativeScan
              ? sql`SELECT set_config('hnsw.ef_search', ${efSearch}, true),
                  set_config('hnsw.iterative_scan', 'strict_order', true)`
              : sql`SELECT set_config('hnsw.ef_search', ${efSearch}, true)`
          const rows = yield* sql.withTransaction(Effect.zipRight(settings, query))
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
      bulkLoad: (load) =>
        Effect.flatMap(FiberRef.get(inBulk), (nested) =>
          nested || mismatch !== null
            ? load
            : bulkPermit.withPermits(1)(
                Effect.acquireUseRelease(
                  sql<{ readonly n: number }>`SELECT count(*)::int AS n FROM ${sql(table)}`.pipe(
                    Effect.flatMap((rows) =>
                      Ref.set(bulk, { active: true, before: rows[0]?.n ?? 0, loaded: 0, deferred: false })
                    ),
                    unavailable
                  ),
                  () => Effect.locally(load, inBulk, true),
                  () => finishBulk
                )
              )
        ).pipe(Effect.withSpan("VectorIndexPgvector.bulkLoad"))
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
export const drop = (name: string) =>
  Effect.gen(function* () {
    if (!NAME.test(name)) return yield* Effect.dieMessage(`vector index name ${name} must match ${NAME}`)
    const sql = yield* SqlClient.SqlClient
    yield* sql`DROP TABLE IF EXISTS ${sql(`leadforge_vectors_${name}`)}`
    const registry = yield* sql<{ readonly n: number }>`
      SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'leadforge_vector_indexes'`
    if ((registry[0]?.n ?? 0) > 0) yield* sql`DELETE FROM leadforge_vector_indexes WHERE name = ${name}`
  })
