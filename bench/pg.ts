import { Effect, Layer, Redacted } from "effect"
import { PgPool, Postgres } from "../packages/adapters/dist/postgres/index.js"

/** The slice of pg.Pool the benchmarks' bare baselines use (the bench package does not depend on pg's types). */
export interface PgPoolLike {
  readonly query: (
    text: string,
    values?: ReadonlyArray<unknown>
  ) => Promise<{ rows: Array<Record<string, unknown>>; rowCount: number | null }>
}

/** A pg.Pool on `url`, built by the same Postgres.layer as the server's, closed with the scope. */
export const pgPool = (url: string, poolSize: number) =>
  Effect.map(
    Layer.build(Postgres.layer({ url: Redacted.make(url), poolSize })),
    (ctx) => ctx.unsafeMap.get(PgPool.key) as PgPoolLike
  )
