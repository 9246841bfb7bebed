import type * as SqlClient from "@effect/sql/SqlClient"
import { IndexMismatch, type VectorIndexSpec } from "@leadforge/domain"
import { Data, Effect, Option } from "effect"

/** This PostgreSQL has no pgvector extension: vectors need another index (Qdrant or in-memory). */
export class PgvectorUnavailable extends Data.TaggedError("PgvectorUnavailable")<{ readonly reason: string }> {
  override get message() {
    return `pgvector is not available in this PostgreSQL (${this.reason}); install the vector extension, set QDRANT_URL to use Qdrant, or use the in-memory index`
  }
}

const NAME = /^[a-z][a-z0-9_]{0,40}$/
export const MEMORY = /^[0-9]{1,6}\s*(kB|MB|GB)$/

/** The names of one index's objects; `name` must be a short lowercase identifier (it becomes part of them). */
export const namesOf = (name: string) =>
  NAME.test(name)
    ? Effect.succeed({ table: `leadforge_vectors_${name}`, hnsw: `leadforge_vectors_${name}_hnsw` })
    : Effect.dieMessage(`vector index name ${name} must match ${NAME}`)

export type Names = Effect.Effect.Success<ReturnType<typeof namesOf>>

/**
 * The vector extension, created here if the server offers it but the migrations ran before it was installed. The
 * migrations never require it (a PostgreSQL without pgvector migrates and starts; only this index is unavailable).
 * Returns whether the server's pgvector keeps scanning the graph until k rows pass the filter (0.8 and later).
 */
export const ensureExtension = (sql: SqlClient.SqlClient) =>
  Effect.gen(function* () {
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
    return { iterativeScan: major > 0 || minor >= 8 }
  })

/**
 * Records `spec` in `leadforge_vector_indexes` (a table of the migrations) the first time the index is opened, and
 * compares it with what was recorded: another embedder or dimension is an IndexMismatch until the index is dropped.
 */
export const register = (sql: SqlClient.SqlClient, spec: VectorIndexSpec) =>
  Effect.gen(function* () {
    yield* sql`INSERT INTO leadforge_vector_indexes (name, embedder_id, dimension, distance)
      VALUES (${spec.name}, ${spec.embedderId}, ${spec.dimension}, ${spec.distance}) ON CONFLICT (name) DO NOTHING`
    const stored = yield* sql<{ readonly embedder: string; readonly dim: number }>`
      SELECT embedder_id AS embedder, dimension AS dim FROM leadforge_vector_indexes WHERE name = ${spec.name}`
    const recorded = stored[0]!
    return recorded.embedder !== spec.embedderId || recorded.dim !== spec.dimension
      ? Option.some(
          new IndexMismatch({
            index: spec.name,
            expected: `${recorded.embedder} (${recorded.dim} dimensions)`,
            actual: `${spec.embedderId} (${spec.dimension} dimensions)`
          })
        )
      : Option.none()
  })

/**
 * The index's own table. Its column type carries the embedder's dimension, which only the opened spec knows, so
 * this is the one piece of schema not in the migrations: created on first open, idempotently, like a migration
 * keyed by the index's name and dimension.
 */
export const createTable = (sql: SqlClient.SqlClient, names: Names, dimension: number) =>
  Effect.gen(function* () {
    yield* sql`CREATE TABLE IF NOT EXISTS ${sql(names.table)} (
      organization_id uuid NOT NULL,
      id text NOT NULL,
      kind text NOT NULL,
      document_id text,
      lead_id text,
      embedding ${sql.literal(`vector(${dimension})`)} NOT NULL,
      PRIMARY KEY (organization_id, id)
    )`
    yield* sql`CREATE INDEX IF NOT EXISTS ${sql(`${names.table}_org_kind`)} ON ${sql(names.table)} (organization_id, kind)`
  })

export interface HnswOptions {
  readonly m: number
  readonly efConstruction: number
  readonly buildMemory: string
  /** PGlite has no parallel workers, but a parallel plan still maps shared memory it may not get. */
  readonly serial: boolean
}

/** Builds the HNSW index if it is missing (true when it built one), with memory for the whole graph. */
export const buildHnsw = (sql: SqlClient.SqlClient, names: Names, options: HnswOptions) =>
  Effect.gen(function* () {
    const exists = yield* sql<{ readonly n: number }>`
      SELECT count(*)::int AS n FROM pg_class WHERE relname = ${names.hnsw}`
    if ((exists[0]?.n ?? 0) > 0) return false
    yield* sql.withTransaction(
      Effect.gen(function* () {
        yield* sql`SELECT set_config('maintenance_work_mem', ${options.buildMemory}, true)`
        if (options.serial) yield* sql`SET LOCAL max_parallel_maintenance_workers = 0`
        yield* sql`CREATE INDEX IF NOT EXISTS ${sql(names.hnsw)} ON ${sql(names.table)}
          USING hnsw (embedding vector_cosine_ops)
          WITH (m = ${sql.literal(String(options.m))}, ef_construction = ${sql.literal(String(options.efConstruction))})`
      })
    )
    yield* sql`ANALYZE ${sql(names.table)}`
    return true
  })

export const dropHnsw = (sql: SqlClient.SqlClient, names: Names) => sql`DROP INDEX IF EXISTS ${sql(names.hnsw)}`

/** Drops an index's table and its record (before `leadforge reindex` with another embedder). */
export const dropIndex = (sql: SqlClient.SqlClient, name: string) =>
  Effect.gen(function* () {
    const names = yield* namesOf(name)
    yield* sql`DROP TABLE IF EXISTS ${sql(names.table)}`
    yield* sql`DELETE FROM leadforge_vector_indexes WHERE name = ${name}`
  })
