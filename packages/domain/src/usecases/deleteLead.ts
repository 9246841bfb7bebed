import { Effect } from "effect"
import type { LeadId } from "../model/ids.js"
import { LeadRepository } from "../ports/LeadRepository.js"
import { syncLeadIndex } from "./leadIndexSync.js"
import { audit, loadLead, transactionally, type UseCaseContext } from "./UseCaseContext.js"

/** Deletes a lead with its contacts and activities, then removes it from the lead index (syncLeadIndex). */
export const deleteLead = (ctx: UseCaseContext, id: LeadId) =>
  Effect.gen(function* () {
    const lead = yield* loadLead(ctx, id)
    yield* (yield* LeadRepository).delete(ctx.organizationId, id)
    yield* audit(ctx, "delete", "lead", id, { companyName: lead.companyName, domain: lead.domain })
    return lead
  }).pipe(
    transactionally,
    Effect.flatMap((lead) => syncLeadIndex([{ before: lead, after: null }])),
    Effect.withSpan("deleteLead")
  )
