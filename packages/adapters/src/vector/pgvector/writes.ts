import type * as SqlClient from "@effect/sql/SqlClient"
import { SqlError } from "@effect/sql/SqlError"
import type { VectorIndexSpec, VectorPoint } from "@leadforge/domain"
import { Effect, Option } from "effect"
import type { PgliteDatabase } from "../../pglite/PgliteClient.js"
import type { BatchSizing } from "../../shared/batches.js"
import { slice } from "../../shared/eventLoop.js"
import { binaryCopyPayload } from "./binaryCopy.js"

/** A vector literal: short decimal text, which pgvector parses faster than full-precision floats. */
export const vectorLiteral = (v: ReadonlyArray<number>): string => {
  let out = "["
  for (let i = 0; i < v.length; i++) {
    if (i > 0) out += ","
    out += String(Math.round(v[i]! * 1e6) / 1e6)
  }
  return `${out}]`
}

/** The last point of each (organization, id): one INSERT … ON CONFLICT may not touch a row twice. */
export const lastOfEach = (points: ReadonlyArray<VectorPoint>): ReadonlyArray<VectorPoint> => {
  const seen = new Map<string, VectorPoint>()
  for (const p of points) seen.set(`${p.organizationId}/${p.id}`, p)
  return seen.size === points.length ? points : [...seen.values()]
}

export interface BatchWriter {
  /** Points per statement: each batch is sized from how long the last took (an HNSW insert costs far more than a COPY). */
  readonly sizing: BatchSizing
  readonly write: (points: ReadonlyArray<VectorPoint>) => Effect.Effect<void, SqlError>
}

/**
 * How upserts reach the index's table. Any PostgreSQL: one INSERT from arrays of text, vectors as short decimal
 * literals. PGlite: one binary COPY per batch from a blob into a session-local staging table, merged with one
 * INSERT … SELECT (on PGlite the parsing of decimal text, not the storage, is what limits a load).
 */
export const batchWriter = (
  sql: SqlClient.SqlClient,
  spec: VectorIndexSpec,
  table: string,
  pglite: Option.Option<PgliteDatabase["Type"]>
): BatchWriter => {
  const onConflict = sql.literal(`ON CONFLICT (organization_id, id) DO UPDATE SET
    kind = EXCLUDED.kind, document_id = EXCLUDED.document_id, lead_id = EXCLUDED.lead_id,
    embedding = EXCLUDED.embedding`)

  const insertBatch = (points: ReadonlyArray<VectorPoint>) =>
    sql`INSERT INTO ${sql(table)} (organization_id, id, kind, document_id, lead_id, embedding)
      SELECT o::uuid, i, k, d, l, e::vector FROM unnest(
        ${points.map((p) => p.organizationId)}::text[],
        ${points.map((p) => p.id)}::text[],
        ${points.map((p) => p.payload.kind)}::text[],
        ${points.map((p) => p.payload.documentId ?? null)}::text[],
        ${points.map((p) => p.payload.leadId ?? null)}::text[],
        ${points.map((p) => vectorLiteral(p.vector))}::text[]
      ) AS t(o, i, k, d, l, e) ${onConflict}`.pipe(Effect.asVoid)

  // session-local, so it outlives a drop and rebuild of the index in another dimension: named by both
  const stage = `leadforge_stage_${spec.name}_${spec.dimension}`
  const copyBatch = (db: PgliteDatabase["Type"], points: ReadonlyArray<VectorPoint>) =>
    sql.withTransaction(
      Effect.gen(function* () {
        yield* sql`CREATE TEMP TABLE IF NOT EXISTS ${sql(stage)} (LIKE ${sql(table)}) ON COMMIT DELETE ROWS`
        // empty after every commit; DELETE (not TRUNCATE, which swaps files) in case this runs inside a transaction
        yield* sql`DELETE FROM ${sql(stage)}`
        // the transaction holds PGlite's one connection, so the raw COPY runs inside it
        yield* slice(
          Effect.tryPromise({
            try: () =>
              db.query(`COPY ${stage} FROM '/dev/blob' WITH (FORMAT binary)`, [], {
                blob: new Blob([binaryCopyPayload(points, spec.dimension)])
              }),
            catch: (cause) => new SqlError({ cause, message: "COPY of the vectors failed" })
          })
        )
        yield* sql`INSERT INTO ${sql(table)} SELECT * FROM ${sql(stage)} ${onConflict}`
      })
    )

  return Option.match(pglite, {
    // a PostgreSQL server works in its own process: fixed batches; PGlite works in this thread: about 40 ms each
    onNone: () => ({ sizing: { initial: 500, min: 500, max: 500, targetMs: 15 }, write: insertBatch }),
    onSome: (db) => ({
      sizing: { initial: 32, min: 16, max: 5_000, targetMs: 40 },
      write: (points) => copyBatch(db, points)
    })
  })
}
