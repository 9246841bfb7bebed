import * as SqlClient from "@effect/sql/SqlClient"
import {
  CurrentScoringModel,
  Lead,
  type OrganizationId,
  planMerge,
  scoreLead,
  scoreOf,
  scoringInputOf
} from "@leadforge/domain"
import { Effect, Schema } from "effect"
import type { PreparedLead } from "./leadRows.js"

/** The lead with its score; the fields were validated already, so the constructor does not check them again. */
const withScore = (lead: Lead, score: { readonly score: number; readonly grade: Lead["grade"] }): Lead =>
  new Lead({ ...lead, leadScore: score.score, grade: score.grade }, { disableValidation: true })

export interface BatchCounts {
  inserted: number
  updated: number
  unchanged: number
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null)

const isoDates = (row: Record<string, unknown>): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(row)) out[key] = value instanceof Date ? value.toISOString() : value
  return out
}

const decodeLead = Schema.decodeUnknownSync(Lead)

/** A stored row (camelCase keys from the client) as a Lead. */
export const leadOfRow = (row: Record<string, unknown>): Lead => decodeLead(isoDates(row))

const json = (value: unknown): string | null => (value === null || value === undefined ? null : JSON.stringify(value))

export const leadColumns = (lead: Lead, identityKey: string) => {
  const e = Schema.encodeSync(Lead)(lead)
  return {
    id: e.id,
    organizationId: e.organizationId,
    identityKey,
    companyName: e.companyName,
    domain: e.domain,
    website: e.website,
    industry: e.industry,
    employeeCount: e.employeeCount,
    fundingStage: e.fundingStage,
    location: json(e.location),
    aiAdoptionScore: e.aiAdoptionScore,
    leadScore: e.leadScore,
    grade: e.grade,
    status: e.status,
    source: e.source,
    tags: json(e.tags),
    ownerId: e.ownerId,
    nextFollowUpAt: e.nextFollowUpAt,
    productInterests: json(e.productInterests),
    notes: e.notes,
    confidence: e.confidence,
    provenance: json(e.provenance),
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
    version: e.version
  }
}

const UPDATABLE = [
  "company_name",
  "domain",
  "website",
  "industry",
  "employee_count",
  "funding_stage",
  "location",
  "ai_adoption_score",
  "lead_score",
  "grade",
  "source",
  "tags",
  "product_interests",
  "notes",
  "confidence",
  "provenance",
  "updated_at",
  "version"
]

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
 * Writes one batch of prepared leads in one transaction: looks up the stored leads with the same identities,
 * merges, scores, and upserts everything with one INSERT … ON CONFLICT. A batch is all or nothing, so a killed
 * import re-run converges on exactly one copy of every row.
 */
export const writeLeadBatch = (
  organizationId: OrganizationId,
  batch: ReadonlyArray<PreparedLead>,
  options: { readonly overwrite: boolean; readonly dryRun: boolean; readonly now: Date }
) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const model = yield* CurrentScoringModel
    const counts: BatchCounts = { inserted: 0, updated: 0, unchanged: 0 }
    if (batch.length === 0) return counts
    const existingRows = yield* sql<Record<string, unknown>>`
      SELECT * FROM leads
      WHERE organization_id = ${organizationId} AND identity_key IN ${sql.in(batch.map((p) => p.identityKey))}`
    const existing = new Map(existingRows.map((row) => [String(row.identityKey), leadOfRow(row)]))
    const rows: Array<ReturnType<typeof leadColumns>> = []
    for (const prepared of batch) {
      const stored = existing.get(prepared.identityKey)
      if (stored === undefined) {
        const score = scoreLead(scoringInputOf(prepared.lead, [], []), model, options.now)
        rows.push(leadColumns(withScore(prepared.lead, score), prepared.identityKey))
        counts.inserted++
        continue
      }
      const merged = mergeImported(stored, prepared, options.overwrite, options.now)
      if (merged === null) {
        counts.unchanged++
        continue
      }
      const score = yield* scoreOf(merged)
      rows.push(leadColumns(withScore(merged, score), prepared.identityKey))
      counts.updated++
    }
    if (!options.dryRun && rows.length > 0) {
      const set = sql.literal(UPDATABLE.map((column) => `${column} = EXCLUDED.${column}`).join(", "))
      yield* sql`INSERT INTO leads ${sql.insert(rows)}
        ON CONFLICT (organization_id, identity_key) DO UPDATE SET ${set}`
    }
    return counts
  }).pipe(Effect.withSpan("import.writeLeadBatch", { attributes: { rows: batch.length } }))
