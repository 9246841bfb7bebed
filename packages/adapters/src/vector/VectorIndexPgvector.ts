import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import {
  IndexMismatch,
  type VectorFilter,
  type VectorHit,
  VectorIndex,
  type VectorIndexSpec,
  type VectorPoint
} from "@leadforge/domain"
import { Data, Effect, Layer } from "effect"
import { toUnavailable } from "../sql/errors.js"

/** This PostgreSQL has no pgvector extension: vectors need another index (Qdrant or in-memory). */
export class PgvectorUnavailable extends Data.TaggedError("PgvectorUnavailable")<{ readonly reason: string }> {
  override get message() {
    return `pgvector is not available in this PostgreSQL (${this.reason}); install the vector extension, set QDRANT_URL to use Qdrant, or use the in-memory index`
  }
}

export interface PgvectorOptions {
  /** HNSW graph degree and build beam (pgvector defaults 16 and 64). */
  readonly m?: number
  readonly efConstruction?: number
  /** Search beam; recall rises with it (pgvector default 40). */
  readonly efSearch?: number
  /** Skip the HNSW index and scan exactly (small collections, and the baseline in benchmarks). */
  readonly exact?: boolean
}

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
 */
export const make = (spec: VectorIndexSpec, options: PgvectorOptions = {}) =>
  Effect.gen(function* () {
    if (!NAME.test(spec.name)) return yield* Effect.dieMessage(`vector index name ${spec.name} must match ${NAME}`)
    const sql = yield* SqlClient.SqlClient
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
    const table = `leadforge_vectors_${spec.name}`
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
      yield* sql`CREATE INDEX IF NOT EXISTS ${sql(`${table}_hnsw`)} ON ${sql(table)}
        USING hnsw (embedding vector_cosine_ops)
        WITH (m = ${sql.literal(String(options.m ?? 16))}, ef_construction = ${sql.literal(String(options.efConstruction ?? 64))})`
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

    const upsertBatch = (points: ReadonlyArray<VectorPoint>) =>
      sql`INSERT INTO ${sql(table)} (organization_id, id, kind, document_id, lead_id, embedding)
        SELECT o::uuid, i, k, d, l, e::vector FROM unnest(
          ${points.map((p) => p.organizationId)}::text[],
          ${points.map((p) => p.id)}::text[],
          ${points.map((p) => p.payload.kind)}::text[],
          ${points.map((p) => p.payload.documentId ?? null)}::text[],
          ${points.map((p) => p.payload.leadId ?? null)}::text[],
          ${points.map((p) => vectorLiteral(p.vector))}::text[]
        ) AS t(o, i, k, d, l, e)
        ON CONFLICT (organization_id, id) DO UPDATE SET
          kind = EXCLUDED.kind, document_id = EXCLUDED.document_id, lead_id = EXCLUDED.lead_id,
          embedding = EXCLUDED.embedding`

    const efSearch = sql.literal(String(options.efSearch ?? 100))

    return VectorIndex.of({
      spec,
      upsert: (points) =>
        Effect.gen(function* () {
          yield* guard
          for (const p of points) yield* checkDimension(p.vector.length)
          for (let i = 0; i < points.length; i += 500) yield* upsertBatch(points.slice(i, i + 500))
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
          const rows = yield* sql.withTransaction(
            Effect.zipRight(
              options.exact ? sql`SET LOCAL enable_indexscan = off` : sql`SET LOCAL hnsw.ef_search = ${efSearch}`,
              query
            )
          )
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
        }).pipe(unavailable, Effect.withSpan("VectorIndexPgvector.search", { attributes: { k } }))
    })
  })

export const layer = (spec: VectorIndexSpec, options: PgvectorOptions = {}) =>
  Layer.effect(VectorIndex, make(spec, options))

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
