import { Effect } from "effect"
import { ContactNotFound } from "../errors.js"
import { Activity, type ActivityKind } from "../model/Activity.js"
import { type ActivityId, type ContactId, type LeadId, newId } from "../model/ids.js"
import { ActivityRepository } from "../ports/ActivityRepository.js"
import { rescoreStored } from "./Scoring.js"
import { audit, currentDate, loadContact, loadLead, transactionally, type UseCaseContext } from "./UseCaseContext.js"

export interface ActivityInput {
  readonly kind: ActivityKind
  readonly occurredAt: Date
  readonly summary?: string | null
  readonly contactId?: ContactId | null
}

/** Records an engagement with a lead (optionally one of its contacts) and rescores the lead. */
export const recordActivity = (ctx: UseCaseContext, leadId: LeadId, input: ActivityInput) =>
  Effect.gen(function* () {
    const lead = yield* loadLead(ctx, leadId)
    const contactId = input.contactId ?? null
    if (contactId !== null) {
      const contact = yield* loadContact(ctx, contactId)
      if (contact.leadId !== leadId) return yield* new ContactNotFound({ contactId })
    }
    const now = yield* currentDate
    const activity = yield* (yield* ActivityRepository).insert(
      new Activity({
        id: newId<ActivityId>(),
        organizationId: ctx.organizationId,
        leadId,
        contactId,
        kind: input.kind,
        occurredAt: input.occurredAt,
        summary: input.summary ?? null,
        createdAt: now
      })
    )
    const rescored = yield* rescoreStored(lead)
    yield* audit(ctx, "create", "activity", activity.id, { leadId, kind: activity.kind, contactId })
    return { activity, lead: rescored.lead, score: rescored.score }
  }).pipe(transactionally, Effect.withSpan("recordActivity"))
