import { Effect } from "effect"
import type { LeadId } from "../model/ids.js"
import { LeadRepository } from "../ports/LeadRepository.js"
import { syncLeadIndex } from "./leadIndexSync.js"
import { audit, loadLead, transactionally, type UseCaseContext } from "./UseCaseContext.js"

/**
 * Deletes a lead with everything that belongs to it (contacts, activities, conversations, data sources; linked
 * knowledge documents and research tasks stay, unlinked), then removes it from the lead index (syncLeadIndex).
 * Each removed contact gets its own `delete` event (`cause: "lead_deleted"`), and the lead's event counts the rest.
 */
export const deleteLead = (ctx: UseCaseContext, id: LeadId) =>
  Effect.gen(function* () {
    const lead = yield* loadLead(ctx, id)
    const removed = yield* (yield* LeadRepository).delete(ctx.organizationId, id)
    for (const contact of removed.contacts) {
      yield* audit(ctx, "delete", "contact", contact.id, { leadId: id, email: contact.email, cause: "lead_deleted" })
    }
    yield* audit(ctx, "delete", "lead", id, {
      companyName: lead.companyName,
      domain: lead.domain,
      removed: {
        contacts: removed.contacts.length,
        activities: removed.activities,
        conversations: removed.conversations,
        dataSources: removed.dataSources
      },
      unlinked: { knowledgeDocs: removed.knowledgeDocsUnlinked, researchTasks: removed.researchTasksUnlinked }
    })
    return lead
  }).pipe(
    transactionally,
    Effect.flatMap((lead) => syncLeadIndex([{ before: lead, after: null }])),
    Effect.withSpan("deleteLead")
  )
