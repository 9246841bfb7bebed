import * as SqlClient from "@effect/sql/SqlClient"
import { SqlError } from "@effect/sql/SqlError"
import { PgCopy, type PgPool } from "@leadforge/adapters/postgres"
import { LEAD_COLUMNS, LEAD_SELECT_LIST, type LeadRecord, leadFromRow, SqlErrors } from "@leadforge/adapters/sql"
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

/** A lead's row with the score just computed (no second Lead is built for it). */
const scoredColumns = (
  lead: Lead,
  identityKey: string,
  score: { readonly score: number; readonly grade: Lead["grade"] }
) => {
  const row = leadColumns(lead, identityKey)
  row.leadScore = score.score
  row.grade = score.grade
  return row
}

export interface BatchCounts {
  inserted: number
  updated: number
  unchanged: number
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null)

/** Stored leads as the lookups read them: the repository's column list, rows mapped by its leadFromRow. */
export const leadsByIdentity = (rows: ReadonlyArray<LeadRecord>): Map<string, Lead> =>
  new Map(rows.map((row) => [row.identity_key, leadFromRow(row)]))

const json = (value: unknown): string | null => (value === null || value === undefined ? null : JSON.stringify(value))

/**
 * The provenance map as JSON. Its entries are immutable and shared (an import gives every field of every row the same
 * entry), so each entry is serialized once: JSON.stringify of the whole map per row was a tenth of an import's CPU.
 */
const provenanceJson = (provenance: Lead["provenance"]): string => {
  let out = "{"
  let first = true
  // own entries only (a field may be named like an Object.prototype member, even "__proto__")
  for (const [field, entry] of Object.entries(provenance)) {
    let encoded = entryJson.get(entry)
    if (encoded === undefined) {
      encoded = JSON.stringify(entry)
      entryJson.set(entry, encoded)
    }
    let name = fieldJson.get(field)
    if (name === undefined) {
      name = JSON.stringify(field)
      fieldJson.set(field, name)
    }
    out += `${first ? "" : ","}${name}:${encoded}`
    first = false
  }
  return `${out}}`
}
const entryJson = new WeakMap<object, string>()
const fieldJson = new Map<string, string>()

/** ISO 8601 of a date; an import stamps every row with the same one, so the last one is remembered. */
const isoOf = (date: Date): string => {
  const time = date.getTime()
  if (time !== lastTime || Number.isNaN(time)) {
    lastTime = time
    lastIso = date.toISOString()
  }
  return lastIso
}
let lastTime = Number.NaN
let lastIso = ""

/**
 * A lead as the values of its `leads` row (camelCase keys, in COLUMNS order): what Schema.encode gives, written out
 * by hand because encoding a class per row was a fifth of an import's CPU (a property test holds the two equal).
 */
export const leadColumns = (lead: Lead, identityKey: string) => ({
  id: lead.id as string,
  organizationId: lead.organizationId as string,
  identityKey,
  companyName: lead.companyName,
  domain: lead.domain,
  website: lead.website,
  industry: lead.industry,
  employeeCount: lead.employeeCount,
  fundingStage: lead.fundingStage as string | null,
  location: json(lead.location),
  aiAdoptionScore: lead.aiAdoptionScore,
  leadScore: lead.leadScore,
  grade: lead.grade as string,
  status: lead.status as string,
  source: lead.source as string,
  tags: json(lead.tags),
  ownerId: lead.ownerId as string | null,
  nextFollowUpAt: lead.nextFollowUpAt === null ? null : lead.nextFollowUpAt.toISOString(),
  productInterests: json(lead.productInterests),
  notes: lead.notes,
  confidence: lead.confidence,
  provenance: provenanceJson(lead.provenance),
  createdAt: isoOf(lead.createdAt),
  updatedAt: isoOf(lead.updatedAt),
  version: lead.version
})

type LeadColumns = ReturnType<typeof leadColumns>

/** The `leads` columns an import writes, in the order of leadColumns: the repository's own list. */
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
    const inserts: Array<LeadColumns> = []
    const updates: Array<LeadColumns> = []
    for (const prepared of batch) {
      const stored = existing.get(prepared.identityKey)
      if (stored === undefined) {
        const score = scoreLead(scoringInputOf(prepared.lead, [], []), model, options.now)
        inserts.push(scoredColumns(prepared.lead, prepared.identityKey, score))
        counts.inserted++
        continue
      }
      const merged = mergeImported(stored, prepared, options.overwrite, options.now)
      if (merged === null) {
        counts.unchanged++
        continue
      }
      const score = yield* scoreOf(merged)
      updates.push(scoredColumns(merged, prepared.identityKey, score))
      counts.updated++
    }
    return { counts, inserts, updates }
  })

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
  copyNew?: (payload: string) => Effect.Effect<void, SqlError>
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
      yield* copyNew(PgCopy.copyPayload(inserts.map((row) => Object.values(row))))
    }
    const rows = copyNew === undefined ? [...inserts, ...updates] : updates
    if (!options.dryRun && rows.length > 0) {
      // a statement carries at most 65,535 parameters: 2,000 rows of 25 columns each
      for (let start = 0; start < rows.length; start += 2_000) {
        yield* sql`INSERT INTO leads ${sql.insert(rows.slice(start, start + 2_000))} ${sql.literal(onConflict)}`
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
      const copy = (statement: string, rows: ReadonlyArray<LeadColumns>) =>
        Effect.tryPromise({
          try: () => PgCopy.copyFromText(client, statement, PgCopy.copyPayload(rows.map((row) => Object.values(row)))),
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
