import { Effect, Option } from "effect"
import { DuplicateLead, VersionConflict } from "../errors.js"
import { FieldProvenance, type Provenance } from "../model/common.js"
import type { LeadId } from "../model/ids.js"
import { editableLeadFields, type LeadPatch } from "../model/Lead.js"
import { LeadRepository } from "../ports/LeadRepository.js"
import { leadIdentity } from "../rules/dedupe.js"
import { buildLead, decodeLeadFields, LeadFieldValues, normalizeLeadFields } from "./LeadValidation.js"
import { syncLeadIndex } from "./leadIndexSync.js"
import { scoreOf, withScore } from "./Scoring.js"
import { audit, currentDate, diff, loadLead, transactionally, type UseCaseContext } from "./UseCaseContext.js"

/**
 * The provenance after a person's edit: every field the patch sets is user-entered from now on, so a later import
 * or enrichment does not replace it (the merge policy ranks user-entered values first). A field an import or the
 * model had set kept its old entry before, and the next import of a newer file silently undid the edit.
 */
const userEntered = (provenance: Provenance, patch: LeadPatch, now: Date): Provenance => {
  const edited = editableLeadFields.filter((field) => Object.hasOwn(patch, field) && patch[field] !== undefined)
  if (edited.length === 0) return provenance
  const entry = new FieldProvenance({ origin: "user", confidence: 100, observedAt: now })
  const next: Record<string, FieldProvenance> = { ...provenance }
  for (const field of edited) next[field] = entry
  return next
}

/**
 * Applies a patch to a lead the caller read at `expectedVersion`: re-normalizes, re-checks identity when
 * it changed, rescores, stores and audits the changed fields; then re-indexes the lead when its profile text
 * changed (syncLeadIndex).
 */
export const updateLead = (ctx: UseCaseContext, id: LeadId, patch: LeadPatch, expectedVersion: number) =>
  Effect.gen(function* () {
    const current = yield* loadLead(ctx, id)
    if (current.version !== expectedVersion) {
      return yield* new VersionConflict({
        entity: "lead",
        id,
        expectedVersion,
        actualVersion: current.version
      })
    }
    const merged: Record<string, unknown> = {}
    for (const field of editableLeadFields) merged[field] = current[field]
    Object.assign(merged, patch)
    const fields = yield* decodeLeadFields(LeadFieldValues, merged)
    const { normalized, issues } = normalizeLeadFields(fields)
    const now = yield* currentDate
    const next = yield* buildLead(
      {
        ...current,
        ...normalized,
        provenance: userEntered(current.provenance, patch, now),
        source: fields.source ?? current.source,
        updatedAt: now,
        version: current.version + 1
      },
      issues
    )
    const identity = leadIdentity(next)
    if (identity !== null && identity.key !== leadIdentity(current)?.key) {
      const existing = yield* (yield* LeadRepository).findByIdentity(ctx.organizationId, identity.key)
      if (Option.isSome(existing) && existing.value.id !== id) {
        return yield* new DuplicateLead({ existingLeadId: existing.value.id, identity: identity.key })
      }
    }
    const score = yield* scoreOf(next)
    const candidate = withScore(next, score)
    const changes = diff(current, candidate, [...editableLeadFields, "leadScore", "grade"])
    // a patch that changes nothing (no field, or every field to the value it has) writes nothing: same version,
    // no audit event
    if (Object.keys(changes).length === 0) return { before: current, after: current }
    const lead = yield* (yield* LeadRepository).update(candidate)
    yield* audit(ctx, "update", "lead", id, { changes, version: lead.version })
    return { before: current, after: lead }
  }).pipe(
    transactionally,
    Effect.tap((change) => syncLeadIndex([change])),
    Effect.map(({ after }) => after),
    Effect.withSpan("updateLead")
  )
