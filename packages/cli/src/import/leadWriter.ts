import {
  CurrentScoringModel,
  Lead,
  LeadImportWriter,
  type OrganizationId,
  planMerge,
  scoreLead,
  scoreOf,
  scoringInputOf
} from "@leadforge/domain"
import { Effect } from "effect"
import type { PreparedLead } from "./leadRows.js"

export interface BatchCounts {
  inserted: number
  updated: number
  unchanged: number
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null)

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
    const inserts: Array<LeadImportWriter.Row> = []
    const updates: Array<LeadImportWriter.Row> = []
    for (const prepared of batch) {
      const stored = existing.get(prepared.identityKey)
      if (stored === undefined) {
        const score = scoreLead(scoringInputOf(prepared.lead, [], []), model, options.now)
        inserts.push({ lead: prepared.lead, identityKey: prepared.identityKey, score })
        counts.inserted++
        continue
      }
      const merged = mergeImported(stored, prepared, options.overwrite, options.now)
      if (merged === null) {
        counts.unchanged++
        continue
      }
      const score = yield* scoreOf(merged)
      updates.push({ lead: merged, identityKey: prepared.identityKey, score })
      counts.updated++
    }
    return { inserts, updates, result: counts }
  })

/**
 * Writes one batch of prepared leads through the bulk writer, in one transaction: it reads and locks the stored
 * leads with the batch's identities, and this plan merges, scores and says what to insert and update. A batch is
 * all or nothing, so a killed import re-run converges on exactly one copy of every row.
 */
export const writeLeadBatch = (
  organizationId: OrganizationId,
  batch: ReadonlyArray<PreparedLead>,
  options: { readonly overwrite: boolean; readonly dryRun: boolean; readonly now: Date }
) =>
  Effect.gen(function* () {
    const writer = yield* LeadImportWriter
    // scoring a changed lead reads its contacts and activities: the plan runs with this fiber's services
    const context = yield* Effect.context<Effect.Effect.Context<ReturnType<typeof planBatch>>>()
    return yield* writer.writeBatch(
      organizationId,
      batch.map((p) => p.identityKey),
      (stored) => Effect.provide(planBatch(batch, stored, options), context),
      { dryRun: options.dryRun }
    )
  }).pipe(Effect.withSpan("import.writeLeadBatch", { attributes: { rows: batch.length } }))
