import { Effect } from "effect"
import type { LeadId } from "../model/ids.js"
import { ActivityRepository } from "../ports/ActivityRepository.js"
import { loadLead, type UseCaseContext } from "./UseCaseContext.js"

/** The activities of a lead of the caller's organization (LeadNotFound for any other lead). */
export const listLeadActivities = (ctx: UseCaseContext, leadId: LeadId) =>
  Effect.gen(function* () {
    yield* loadLead(ctx, leadId)
    return yield* (yield* ActivityRepository).listByLead(ctx.organizationId, leadId)
  }).pipe(Effect.withSpan("listLeadActivities"))
