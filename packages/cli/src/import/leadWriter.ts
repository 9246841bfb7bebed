import * as SqlClient from "@effect/sql/SqlClient"
import { SqlError } from "@effect/sql/SqlError"
import { PgCopy, type PgPool } from "@leadforge/adapters/postgres"
import {
  LEAD_COLUMNS,
  LEAD_SELECT_LIST,
  type LeadRecord,
  leadFromRow,
  leadParams,
  SqlErrors
} from "@leadforge/adapters/sql"
import {
  CurrentScoringModel,
  Lead,
  type OrganizationId,
  planMerge,
  scoreLead,
  scoreOf,
  scoringInputOf
} from "@leadforge/domain"
import { type Context, Effect } from "effect"
import type { PreparedLead } from "./leadRows.js"

export interface BatchCounts {
  inserted: number
  updated: number
  unchanged: number
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null)

/** Stored leads as the lookups read them: the repository's column list, rows mapped by its leadFromRow. */
export const leadsByIdentity = (rows: ReadonlyArray<LeadRecord>): Map<string, Lead> =>
  new Map(rows.map((row) => [row.identity_key, leadFromRow(row)]))

/** A lead as the values of its `leads` row, in COLUMNS order (the repository's own encoding). */
type LeadRow = Array<unknown>

/** The `leads` columns an import writes: the repository's own list, in the order of its leadParams. */
export const COLUMNS = LEAD_COLUMNS

/** What an import's upsert may change on a stored lead: everything but identity, workflow and creation. */
const KEPT_ON_UPDATE = new Set([
  "id",
  "organization_id",
  "identity_key",
  "status",
  "owner_id",
  "next_follow_up_at",
  "created_at"
])
const UPDATABLE = COLUMNS.filter((column) => !KEPT_ON_UPDATE.has(column))

/**
 * The merge policy of an import: without `overwrite`, the domain's planMerge over the row's fields (a value fills
 * an empty one; user-entered beats imported; a newer import beats an older one); with it, the row's values win.
 * Returns null when nothing would change.
 */
export const mergeImported = (existing: Lead, prepared: PreparedLead, overwrite: boolean, now: Date): Lead | null => {
  let merged: Record<string, unknown>
  if (overwrite) {
    merged = { ...existing }
    const provenance = { ...existing.provenance }
    for (const field of prepared.fields) {
      if (!same(existing[field], prepared.lead[field])) {
        merged[field] = prepared.lead[field]
        const entry = prepared.lead.provenance[field]
        if (entry !== undefined) provenance[field] = entry
      }
    }
    merged.provenance = provenance
  } else {
    merged = planMerge(existing, prepared.lead, { fields: prepared.fields }).merged as unknown as Record<
      string,
      unknown
    >
  }
  if (prepared.fields.every((field) => same(existing[field], merged[field]))) return null
  return new Lead({
    ...(merged as unknown as Lead),
    id: existing.id,
    organizationId: existing.organizationId,
    status: existing.status,
    createdAt: existing.createdAt,
    updatedAt: now,
    version: existing.version + 1
  })
}

/**
 * What one batch writes, given the stored leads with the same identities: new leads scored, existing ones merged by
 * the policy and rescored when they changed, unchanged ones skipped.
 */
const planBatch = (
  batch: ReadonlyArray<PreparedLead>,
  existing: ReadonlyMap<string, Lead>,
  options: { readonly overwrite: boolean; readonly now: Date }
) =>
  Effect.gen(function* () {
    const model = yield* CurrentScoringModel
    const counts: BatchCounts = { inserted: 0, updated: 0, unchanged: 0 }
    const inserts: Array<LeadRow> = []
    const updates: Array<LeadRow> = []
    for (const prepared of batch) {
      const stored = existing.get(prepared.identityKey)
      if (stored === undefined) {
        const score = scoreLead(scoringInputOf(prepared.lead, [], []), model, options.now)
        inserts.push(leadParams(prepared.lead, prepared.identityKey, score))
        counts.inserted++
        continue
      }
      const merged = mergeImported(stored, prepared, options.overwrite, options.now)
      if (merged === null) {
        counts.unchanged++
        continue
      }
      const score = yield* scoreOf(merged)
      updates.push(leadParams(merged, prepared.identityKey, score))
      counts.updated++
    }
    return { counts, inserts, updates }
  })

/** A row as a record keyed by column name (for `sql.insert`). */
const recordOf = (row: LeadRow): Record<string, unknown> => {
  const record: Record<string, unknown> = {}
  for (let i = 0; i < COLUMNS.length; i++) record[COLUMNS[i]!] = row[i]
  return record
}

const onConflict = `ON CONFLICT (organization_id, identity_key) DO UPDATE SET ${UPDATABLE.map((column) => `${column} = EXCLUDED.${column}`).join(", ")}`

/**
 * Writes one batch of prepared leads in one transaction through @effect/sql (PGlite, or any SqlClient): looks up the
 * stored leads with the same identities, merges, scores, and upserts everything with one INSERT … ON CONFLICT. A
 * batch is all or nothing, so a killed import re-run converges on exactly one copy of every row.
 */
export const writeLeadBatch = (
  organizationId: OrganizationId,
  batch: ReadonlyArray<PreparedLead>,
  options: { readonly overwrite: boolean; readonly dryRun: boolean; readonly now: Date },
  /** Streams new rows into `leads` inside the batch's transaction (PGlite: COPY from a blob); else INSERT. */
  copyNew?: (rows: ReadonlyArray<ReadonlyArray<unknown>>) => Effect.Effect<void, SqlError>
) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    if (batch.length === 0) return { inserted: 0, updated: 0, unchanged: 0 }
    const existing = leadsByIdentity(
      yield* sql<LeadRecord>`
        SELECT ${sql.literal(LEAD_SELECT_LIST)} FROM leads
        WHERE organization_id = ${organizationId} AND identity_key IN ${sql.in(batch.map((p) => p.identityKey))}
        FOR UPDATE`.withoutTransform
    )
    const { counts, inserts, updates } = yield* planBatch(batch, existing, options)
    if (!options.dryRun && copyNew !== undefined && inserts.length > 0) {
      yield* copyNew(inserts)
    }
    const rows = copyNew === undefined ? [...inserts, ...updates] : updates
    if (!options.dryRun && rows.length > 0) {
      // a statement carries at most 65,535 parameters: 2,000 rows of 25 columns each
      for (let start = 0; start < rows.length; start += 2_000) {
        const records = rows.slice(start, start + 2_000).map(recordOf)
        yield* sql`INSERT INTO leads ${sql.insert(records)} ${sql.literal(onConflict)}`.withoutTransform
      }
    }
    return counts
  }).pipe(
    (effect) => Effect.flatMap(SqlClient.SqlClient, (sql) => sql.withTransaction(effect)),
    Effect.withSpan("import.writeLeadBatch", { attributes: { rows: batch.length } })
  )

const STAGE = "leadforge_import_leads"
const columnList = COLUMNS.join(", ")

/** The COPY statement PGlite reads a blob with (`/dev/blob` is its name for the blob passed with the query). */
export const PGLITE_COPY_NEW = `COPY leads (${columnList}) FROM '/dev/blob'`

/**
 * The PostgreSQL fast path of writeLeadBatch, on one pooled connection in one transaction: the stored leads with the
 * batch's identities are read and locked, and the batch is planned exactly as above. New leads are streamed with COPY
 * straight into `leads`; changed ones with COPY into a session-local staging table, merged with one
 * INSERT … SELECT … ON CONFLICT. If another writer inserted one of the new identities in the meantime, the COPY fails
 * with a unique violation, the transaction rolls back, and the batch is planned again and written entirely through
 * the staging table.
 */
export const writeLeadBatchCopy = (
  pool: Context.Tag.Service<typeof PgPool>,
  organizationId: OrganizationId,
  batch: ReadonlyArray<PreparedLead>,
  options: { readonly overwrite: boolean; readonly dryRun: boolean; readonly now: Date }
) =>
  copyBatch(pool, organizationId, batch, options, true).pipe(
    Effect.catchIf(
      (error): error is SqlError => error instanceof SqlError && SqlErrors.isUniqueViolation(error),
      () => copyBatch(pool, organizationId, batch, options, false)
    ),
    Effect.withSpan("import.writeLeadBatchCopy", { attributes: { rows: batch.length } })
  )

const copyBatch = (
  pool: Context.Tag.Service<typeof PgPool>,
  organizationId: OrganizationId,
  batch: ReadonlyArray<PreparedLead>,
  options: { readonly overwrite: boolean; readonly dryRun: boolean; readonly now: Date },
  direct: boolean
) =>
  PgCopy.withTransaction(pool, (query, client) =>
    Effect.gen(function* () {
      const copy = (statement: string, rows: ReadonlyArray<LeadRow>) =>
        Effect.tryPromise({
          try: () => PgCopy.copyRows(client, statement, rows),
          catch: (cause) => new SqlError({ cause, message: "COPY of the import's rows failed" })
        })
      if (batch.length === 0) return { inserted: 0, updated: 0, unchanged: 0 }
      const existing = leadsByIdentity(
        yield* query<LeadRecord>(
          `SELECT ${LEAD_SELECT_LIST} FROM leads WHERE organization_id = $1 AND identity_key = ANY($2::text[]) FOR UPDATE`,
          [organizationId, batch.map((p) => p.identityKey)]
        )
      )
      const { counts, inserts, updates } = yield* planBatch(batch, existing, options)
      if (options.dryRun) return counts
      if (direct && inserts.length > 0) yield* copy(`COPY leads (${columnList}) FROM STDIN`, inserts)
      const staged = direct ? updates : [...inserts, ...updates]
      if (staged.length > 0) {
        yield* query(
          `CREATE TEMP TABLE IF NOT EXISTS ${STAGE} ON COMMIT DELETE ROWS AS SELECT ${columnList} FROM leads WITH NO DATA`
        )
        yield* copy(`COPY ${STAGE} (${columnList}) FROM STDIN`, staged)
        yield* query(`INSERT INTO leads (${columnList}) SELECT ${columnList} FROM ${STAGE} ${onConflict}`)
      }
      return counts
    })
  )
