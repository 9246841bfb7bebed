import type * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { Effect, FiberRef, Ref } from "effect"
import { toUnavailable } from "../../sql/errors.js"
import { dropHnsw, type Names } from "./schema.js"

/**
 * A bulk load drops the HNSW index once it has loaded this many rows and at least a quarter of the rows that were
 * there before it (building the graph once is about five times cheaper per row than maintaining it row by row on
 * PGlite, so past that point the rebuild wins); smaller loads keep maintaining the index.
 */
const DEFER_AT_LEAST = 2_000
const DEFER_FRACTION = 0.25

interface Bulk {
  readonly active: boolean
  readonly before: number
  readonly loaded: number
  readonly deferred: boolean
}
const idle: Bulk = { active: false, before: 0, loaded: 0, deferred: false }

/**
 * The statistics and bulk-load bookkeeping of one index. PGlite has no autovacuum, so ANALYZE runs here: after a
 * bulk load, and once enough rows changed outside one (without statistics the planner never picks the HNSW index).
 * Inside `bulkLoad`, writes announce themselves with `beforeWrite`; a large enough load drops the HNSW index and
 * builds it once at the end. If the process dies in between, the next open finds the index missing and builds it
 * (searches meanwhile scan exactly, so they stay correct).
 */
export const makeBulkLoader = (
  sql: SqlClient.SqlClient,
  names: Names,
  buildIndex: Effect.Effect<boolean, SqlError>,
  enabled: boolean
) =>
  Effect.gen(function* () {
    const analyze = sql`ANALYZE ${sql(names.table)}`
    const reltuples = sql<{ readonly n: number }>`
      SELECT greatest(reltuples, 0)::float8 AS n FROM pg_class WHERE relname = ${names.table}`.pipe(
      Effect.map((rows) => Number(rows[0]?.n ?? 0))
    )
    /** Rows this instance wrote since it last ran ANALYZE, and the table's size then. */
    const analyzed = yield* Ref.make({ rows: enabled ? yield* reltuples : 0, written: 0 })
    const runAnalyze = Effect.zipRight(
      analyze,
      Effect.flatMap(reltuples, (rows) => Ref.set(analyzed, { rows, written: 0 }))
    )
    const bulk = yield* Ref.make(idle)
    const permit = yield* Effect.makeSemaphore(1)
    const inBulk = FiberRef.unsafeMake(false)

    /** Inside a bulk load, drops the HNSW index once the load is large enough to make one rebuild cheaper. */
    const beforeWrite = (n: number) =>
      Effect.gen(function* () {
        const state = yield* Ref.get(bulk)
        if (!state.active) return
        const loaded = state.loaded + n
        const defer = !state.deferred && loaded >= DEFER_AT_LEAST && loaded >= DEFER_FRACTION * state.before
        if (defer) yield* dropHnsw(sql, names)
        yield* Ref.set(bulk, { ...state, loaded, deferred: state.deferred || defer })
      })

    /** After an upsert of `n` rows outside a bulk load: ANALYZE once a tenth of the table (and 500 rows) changed. */
    const afterWrite = (n: number) =>
      Effect.gen(function* () {
        if ((yield* Ref.get(bulk)).active || n === 0) return
        const a = yield* Ref.updateAndGet(analyzed, (a) => ({ ...a, written: a.written + n }))
        if (a.written > 500 + 0.1 * a.rows) yield* runAnalyze
      })

    const finish = Effect.gen(function* () {
      const state = yield* Ref.getAndSet(bulk, idle)
      const built = state.deferred ? yield* buildIndex : false
      if (!built && state.loaded > 0) yield* runAnalyze
      else if (built) yield* Ref.set(analyzed, { rows: yield* reltuples, written: 0 })
    }).pipe(
      // the index stays missing until the next open builds it; searches still answer, by scanning
      Effect.catchAllCause((cause) => Effect.logWarning(`rebuilding the HNSW index ${names.hnsw} failed`, cause)),
      Effect.withSpan("VectorIndexPgvector.finishBulkLoad")
    )

    const start = sql<{ readonly n: number }>`SELECT count(*)::int AS n FROM ${sql(names.table)}`.pipe(
      Effect.flatMap((rows) => Ref.set(bulk, { active: true, before: rows[0]?.n ?? 0, loaded: 0, deferred: false })),
      Effect.catchTag("SqlError", toUnavailable)
    )

    /** One bulk load at a time; a nested one (or one on a mismatched index) just runs its effect. */
    const bulkLoad = <A, E, R>(load: Effect.Effect<A, E, R>) =>
      Effect.flatMap(FiberRef.get(inBulk), (nested) =>
        nested || !enabled
          ? load
          : permit.withPermits(1)(
              Effect.acquireUseRelease(
                start,
                () => Effect.locally(load, inBulk, true),
                () => finish
              )
            )
      )

    return { beforeWrite, afterWrite, bulkLoad }
  })
