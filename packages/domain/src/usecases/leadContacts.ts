import { Effect } from "effect"
import { ContactNotFound } from "../errors.js"
import type { ContactId, LeadId } from "../model/ids.js"
import { ContactRepository } from "../ports/ContactRepository.js"
import { rescoreStored } from "./Scoring.js"
import { audit, loadContact, loadLead, transactionally, type UseCaseContext } from "./UseCaseContext.js"

/** A contact of this lead in this organization; any other contact does not exist for the caller. */
export const getLeadContact = (ctx: UseCaseContext, leadId: LeadId, id: ContactId) =>
  loadContact(ctx, id).pipe(
    Effect.filterOrFail(
      (contact) => contact.leadId === leadId,
      () => new ContactNotFound({ contactId: id })
    ),
    Effect.withSpan("getLeadContact")
  )

/** The contacts of a lead of the caller's organization (LeadNotFound for any other lead). */
export const listLeadContacts = (ctx: UseCaseContext, leadId: LeadId) =>
  Effect.gen(function* () {
    yield* loadLead(ctx, leadId)
    return yield* (yield* ContactRepository).listByLead(ctx.organizationId, leadId)
  }).pipe(Effect.withSpan("listLeadContacts"))

/** Deletes a contact of a lead and rescores the lead, audited as `{ leadId, email }`. */
export const deleteContact = (ctx: UseCaseContext, leadId: LeadId, id: ContactId) =>
  Effect.gen(function* () {
    const contact = yield* getLeadContact(ctx, leadId, id)
    yield* (yield* ContactRepository).delete(ctx.organizationId, id)
    const lead = yield* loadLead(ctx, leadId)
    yield* rescoreStored(lead)
    yield* audit(ctx, "delete", "contact", id, { leadId, email: contact.email })
  }).pipe(transactionally, Effect.withSpan("deleteContact"))
