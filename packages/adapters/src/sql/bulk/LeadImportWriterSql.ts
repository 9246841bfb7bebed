import * as SqlClient from "@effect/sql/SqlClient"
import { SqlError } from "@effect/sql/SqlError"
import { type Lead, LeadImportWriter, type OrganizationId } from "@leadforge/domain"
import { Effect, Layer, Option } from "effect"
import { PgliteDatabase } from "../../pglite/PgliteClient.js"
import * as PgCopy from "../../postgres/PgCopy.js"
import { PgPool } from "../../postgres/PgPool.js"
import { isUniqueViolation, orUnavailable } from "../errors.js"
import { LEAD_COLUMNS, LEAD_SELECT_LIST, type LeadRecord, leadFromRow, leadParams } from "../leadRow.js"

type Plan<A> = LeadImportWriter.Plan<A>
type Planner<A, E> = (stored: ReadonlyMap<string, Lead>) => Effect.Effect<Plan<A>, E>

/** Stored leads keyed by identity, read with the repository's column list and mapped by its leadFromRow. */
export const leadsByIdentity = (rows: ReadonlyArray<LeadRecord>): Map<string, Lead> =>
  new Map(rows.map((row) => [row.identity_key, leadFromRow(row)]))

/** A planned row as the values of its `leads` row, in LEAD_COLUMNS order (the repository's own encoding). */
const valuesOf = (row: LeadImportWriter.Row): Array<unknown> => leadParams(row.lead, row.identityKey, row.score)

/** What an import's upsert may change on a stored lead: everything but identity, workflow and creation. */
const KEPT_ON_UPDATE = new Set<string>([
  "id",
  "organization_id",
  "identity_key",
  "status",
  "owner_id",
  "next_follow_up_at",
  "created_at"
])
const UPDATABLE = LEAD_COLUMNS.filter((column) => !KEPT_ON_UPDATE.has(column))
const ON_CONFLICT = `ON CONFLICT (organization_id, identity_key) DO UPDATE SET ${UPDATABLE.map((column) => `${column} = EXCLUDED.${column}`).join(", ")}`
const COLUMN_LIST = LEAD_COLUMNS.join(", ")
const STAGE = "leadforge_import_leads"

/** The COPY statement PGlite reads a blob with (`/dev/blob` is its name for the blob passed with the query). */
const PGLITE_COPY_NEW = `COPY leads (${COLUMN_LIST}) FROM '/dev/blob'`

/** A row as a record keyed by column name (for `sql.insert`). */
const recordOf = (values: ReadonlyArray<unknown>): Record<string, unknown> => {
  const record: Record<string, unknown> = {}
  for (let i = 0; i < LEAD_COLUMNS.length; i++) record[LEAD_COLUMNS[i]!] = values[i]
  return record
}

/**
 * Any SqlClient (PGlite, or PostgreSQL without its pool): one transaction per batch that reads and locks the stored
 * leads, plans, and upserts everything with one INSERT … ON CONFLICT per 2,000 rows. On PGlite the new leads go in
 * first through COPY from a blob, inside the same transaction (which holds PGlite's one connection).
 */
const sqlWriter = (sql: SqlClient.SqlClient, pglite: Option.Option<PgliteDatabase["Type"]>) => {
  const copyNew = Option.map(
    pglite,
    (db) => (rows: ReadonlyArray<ReadonlyArray<unknown>>) =>
      Effect.tryPromise({
        // the blob is assembled from pieces of COPY text, never one batch-sized string
        try: () => db.query(PGLITE_COPY_NEW, [], { blob: new Blob([...PgCopy.copyChunks(rows)]) }),
        catch: (cause) => new SqlError({ cause, message: "COPY of the import's new leads failed" })
      }).pipe(Effect.asVoid)
  )
  return <A, E>(
    organizationId: OrganizationId,
    identityKeys: ReadonlyArray<string>,
    plan: Planner<A, E>,
    dryRun: boolean
  ) =>
    sql.withTransaction(
      Effect.gen(function* () {
        const stored = leadsByIdentity(
          yield* sql<LeadRecord>`
            SELECT ${sql.literal(LEAD_SELECT_LIST)} FROM leads
            WHERE organization_id = ${organizationId} AND identity_key IN ${sql.in(identityKeys)}
            FOR UPDATE`.withoutTransform
        )
        const planned = yield* plan(stored)
        if (dryRun) return planned.result
        const inserts = planned.inserts.map(valuesOf)
        const updates = planned.updates.map(valuesOf)
        if (Option.isSome(copyNew) && inserts.length > 0) yield* copyNew.value(inserts)
        const rows = Option.isNone(copyNew) ? [...inserts, ...updates] : updates
        // a statement carries at most 65,535 parameters: 2,000 rows of 25 columns each
        for (let start = 0; start < rows.length; start += 2_000) {
          const records = rows.slice(start, start + 2_000).map(recordOf)
          yield* sql`INSERT INTO leads ${sql.insert(records)} ${sql.literal(ON_CONFLICT)}`.withoutTransform
        }
        return planned.result
      })
    )
}

/**
 * PostgreSQL with its pg.Pool, on one pooled connection in one transaction per batch: the stored leads are read
 * and locked and the batch is planned as above. New leads are streamed with COPY straight into `leads`; changed
 * ones with COPY into a session-local staging table, merged with one INSERT … SELECT … ON CONFLICT. If another
 * writer inserted one of the new identities meanwhile, the COPY fails with a unique violation, the transaction
 * rolls back, and the batch is planned again and written entirely through the staging table.
 */
const copyWriter = (pool: PgPool["Type"]) => {
  const attempt = <A, E>(
    organizationId: OrganizationId,
    identityKeys: ReadonlyArray<string>,
    plan: Planner<A, E>,
    dryRun: boolean,
    direct: boolean
  ) =>
    PgCopy.withTransaction(pool, (query, client) =>
      Effect.gen(function* () {
        const copy = (statement: string, rows: ReadonlyArray<ReadonlyArray<unknown>>) =>
          Effect.tryPromise({
            try: () => PgCopy.copyRows(client, statement, rows),
            catch: (cause) => new SqlError({ cause, message: "COPY of the import's rows failed" })
          })
        const stored = leadsByIdentity(
          yield* query<LeadRecord>(
            `SELECT ${LEAD_SELECT_LIST} FROM leads WHERE organization_id = $1 AND identity_key = ANY($2::text[]) FOR UPDATE`,
            [organizationId, identityKeys]
          )
        )
        const planned = yield* plan(stored)
        if (dryRun) return planned.result
        const inserts = planned.inserts.map(valuesOf)
        const updates = planned.updates.map(valuesOf)
        if (direct && inserts.length > 0) yield* copy(`COPY leads (${COLUMN_LIST}) FROM STDIN`, inserts)
        const staged = direct ? updates : [...inserts, ...updates]
        if (staged.length > 0) {
          yield* query(
            `CREATE TEMP TABLE IF NOT EXISTS ${STAGE} ON COMMIT DELETE ROWS AS SELECT ${COLUMN_LIST} FROM leads WITH NO DATA`
          )
          yield* copy(`COPY ${STAGE} (${COLUMN_LIST}) FROM STDIN`, staged)
          yield* query(`INSERT INTO leads (${COLUMN_LIST}) SELECT ${COLUMN_LIST} FROM ${STAGE} ${ON_CONFLICT}`)
        }
        return planned.result
      })
    )
  return <A, E>(
    organizationId: OrganizationId,
    identityKeys: ReadonlyArray<string>,
    plan: Planner<A, E>,
    dryRun: boolean
  ) =>
    attempt(organizationId, identityKeys, plan, dryRun, true).pipe(
      Effect.catchIf(
        (error): error is SqlError => error instanceof SqlError && isUniqueViolation(error),
        () => attempt(organizationId, identityKeys, plan, dryRun, false)
      )
    )
}

/**
 * The bulk lead writer on whichever database the SqlClient reaches: COPY on a pg.Pool when PostgreSQL's pool is
 * in context (PgPool), batched inserts with a COPY of the new rows on PGlite, plain batched inserts otherwise.
 */
export const make = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const pool = yield* Effect.serviceOption(PgPool)
  const pglite = yield* Effect.serviceOption(PgliteDatabase)
  const write = Option.isSome(pool) ? copyWriter(pool.value) : sqlWriter(sql, pglite)

  return LeadImportWriter.of({
    writeBatch: (organizationId, identityKeys, plan, options) =>
      (identityKeys.length === 0
        ? Effect.map(plan(new Map()), (planned) => planned.result)
        : write(organizationId, identityKeys, plan, options.dryRun)
      ).pipe(
        orUnavailable,
        Effect.withSpan("LeadImportWriterSql.writeBatch", { attributes: { rows: identityKeys.length } })
      ),
    // the batches look leads up by (organization_id, identity_key); sampling every column took seconds a million rows
    analyze: (scope) =>
      (scope === "lookup" ? sql`ANALYZE leads (organization_id, identity_key)` : sql`ANALYZE leads`).pipe(
        Effect.asVoid,
        orUnavailable,
        Effect.withSpan("LeadImportWriterSql.analyze")
      )
  })
})

export const LeadImportWriterSql = Layer.effect(LeadImportWriter, make)
