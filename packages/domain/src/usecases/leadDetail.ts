import { Effect } from "effect"
import type { LeadId } from "../model/ids.js"
import { ActivityRepository } from "../ports/ActivityRepository.js"
import { ContactRepository } from "../ports/ContactRepository.js"
import { loadLead, type UseCaseContext } from "./UseCaseContext.js"

/** A lead of the caller's organization with its contacts and its activities, newest first (else LeadNotFound). */
export const getLeadDetail = (ctx: UseCaseContext, leadId: LeadId) =>
  Effect.gen(function* () {
    const lead = yield* loadLead(ctx, leadId)
    const contacts = yield* (yield* ContactRepository).listByLead(ctx.organizationId, lead.id)
    const activities = yield* (yield* ActivityRepository).listByLead(ctx.organizationId, lead.id)
    return { lead, contacts, activities }
  }).pipe(Effect.withSpan("getLeadDetail"))
