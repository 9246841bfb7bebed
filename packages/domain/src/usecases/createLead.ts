import { Effect, Option } from "effect"
import { DuplicateLead } from "../errors.js"
import { type LeadId, newId } from "../model/ids.js"
import type { LeadFields } from "../model/Lead.js"
import { LeadRepository } from "../ports/LeadRepository.js"
import { leadIdentity } from "../rules/dedupe.js"
import { buildLead, decodeLeadFields, LeadFieldValues, normalizeLeadFields } from "./LeadValidation.js"
import { syncLeadIndex } from "./leadIndexSync.js"
import { scoreOf, withScore } from "./Scoring.js"
import { audit, currentDate, transactionally, type UseCaseContext } from "./UseCaseContext.js"

/**
 * Normalizes, validates, de-duplicates, scores, stores and audits a new lead, atomically; then indexes its profile
 * for similar and free-text lead search (syncLeadIndex: an index failure never undoes the lead).
 */
export const createLead = (ctx: UseCaseContext, input: LeadFields) =>
  Effect.gen(function* () {
    const fields = yield* decodeLeadFields(LeadFieldValues, input)
    const { normalized, issues } = normalizeLeadFields(fields)
    const now = yield* currentDate
    const draft = yield* buildLead(
      {
        id: newId<LeadId>(),
        organizationId: ctx.organizationId,
        ...normalized,
        leadScore: 0,
        grade: "D",
        status: "new",
        source: fields.source ?? "manual",
        confidence: 100,
        provenance: {},
        createdAt: now,
        updatedAt: now,
        version: 1
      },
      issues
    )
    const leads = yield* LeadRepository
    const identity = leadIdentity(draft)
    if (identity !== null) {
      const existing = yield* leads.findByIdentity(ctx.organizationId, identity.key)
      if (Option.isSome(existing)) {
        return yield* new DuplicateLead({ existingLeadId: existing.value.id, identity: identity.key })
      }
    }
    const score = yield* scoreOf(draft)
    const lead = yield* leads.insert(withScore(draft, score))
    yield* audit(ctx, "create", "lead", lead.id, {
      companyName: lead.companyName,
      domain: lead.domain,
      score: score.score,
      grade: score.grade
    })
    return lead
  }).pipe(
    transactionally,
    Effect.tap((lead) => syncLeadIndex([{ before: null, after: lead }])),
    Effect.withSpan("createLead")
  )
