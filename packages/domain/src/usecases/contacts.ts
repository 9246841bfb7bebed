import { Effect, Option } from "effect"
import { DuplicateContact, FieldIssue, ValidationFailed, VersionConflict } from "../errors.js"
import { Contact, type ContactFields, contactValueFields } from "../model/Contact.js"
import { type ContactId, type LeadId, newId } from "../model/ids.js"
import type { Lead } from "../model/Lead.js"
import { ContactRepository } from "../ports/ContactRepository.js"
import { type ContactValidation, validateLeadContact } from "../rules/contact.js"
import { rescoreStored } from "./Scoring.js"
import {
  audit,
  currentDate,
  diff,
  loadContact,
  loadLead,
  transactionally,
  type UseCaseContext
} from "./UseCaseContext.js"

/** What an update's audit event diffs; the email confidence is left out, as it follows from the email. */
const auditedContactFields = contactValueFields.filter((field) => field !== "emailConfidence")

/**
 * Validates against the lead's domain and country (validateLeadContact); a contact it refuses (invalid, or a phone
 * that does not parse) becomes ValidationFailed with every issue.
 */
const validated = (fields: ContactFields, lead: Lead): Effect.Effect<ContactValidation, ValidationFailed> => {
  const { refusals, validation } = validateLeadContact(fields, lead)
  return refusals.length > 0
    ? Effect.fail(new ValidationFailed({ entity: "contact", issues: refusals.map((i) => new FieldIssue(i)) }))
    : Effect.succeed(validation)
}

const ensureEmailFree = (ctx: UseCaseContext, email: string | null, self: ContactId | null) =>
  Effect.gen(function* () {
    if (email === null) return
    const existing = yield* (yield* ContactRepository).findByEmail(ctx.organizationId, email)
    if (Option.isSome(existing) && existing.value.id !== self) {
      return yield* new DuplicateContact({ existingContactId: existing.value.id, email })
    }
  })

/** Adds a validated, de-duplicated contact to a lead and rescores the lead. */
export const addContact = (ctx: UseCaseContext, leadId: LeadId, fields: ContactFields) =>
  Effect.gen(function* () {
    const lead = yield* loadLead(ctx, leadId)
    const validation = yield* validated(fields, lead)
    yield* ensureEmailFree(ctx, validation.contact.email, null)
    const now = yield* currentDate
    const contact = yield* (yield* ContactRepository).insert(
      new Contact({
        id: newId<ContactId>(),
        organizationId: ctx.organizationId,
        leadId,
        ...validation.contact,
        emailConfidence: Math.round(validation.contact.emailConfidence),
        source: fields.source ?? "manual",
        provenance: {},
        createdAt: now,
        updatedAt: now,
        version: 1
      })
    )
    const rescored = yield* rescoreStored(lead)
    yield* audit(ctx, "create", "contact", contact.id, {
      leadId,
      email: contact.email,
      emailStatus: contact.emailStatus,
      leadScore: rescored.lead.leadScore
    })
    return { contact, lead: rescored.lead }
  }).pipe(transactionally, Effect.withSpan("addContact"))

/** Applies a patch to a contact: re-validates, re-checks the email, rescores the lead, audits the diff. */
export const updateContact = (
  ctx: UseCaseContext,
  id: ContactId,
  patch: ContactFields,
  options: { readonly expectedVersion?: number } = {}
) =>
  Effect.gen(function* () {
    const current = yield* loadContact(ctx, id)
    if (options.expectedVersion !== undefined && options.expectedVersion !== current.version) {
      return yield* new VersionConflict({
        entity: "contact",
        id,
        expectedVersion: options.expectedVersion,
        actualVersion: current.version
      })
    }
    const lead = yield* loadLead(ctx, current.leadId)
    const fields: ContactFields = {
      firstName: current.firstName,
      lastName: current.lastName,
      email: current.email,
      jobTitle: current.jobTitle,
      phone: current.phone,
      linkedinUrl: current.linkedinUrl,
      ...patch
    }
    const validation = yield* validated(fields, lead)
    if (validation.contact.email?.toLowerCase() !== current.email?.toLowerCase()) {
      yield* ensureEmailFree(ctx, validation.contact.email, id)
    }
    const now = yield* currentDate
    const candidate = new Contact({
      ...current,
      ...validation.contact,
      emailConfidence: Math.round(validation.contact.emailConfidence),
      source: patch.source ?? current.source,
      updatedAt: now,
      version: current.version + 1
    })
    // a patch that changes nothing writes nothing: same version, no audit event
    if (Object.keys(diff(current, candidate, [...contactValueFields, "source"])).length === 0) {
      return { contact: current, lead }
    }
    const contact = yield* (yield* ContactRepository).update(candidate)
    const rescored = yield* rescoreStored(lead)
    yield* audit(ctx, "update", "contact", id, {
      leadId: lead.id,
      changes: diff(current, contact, auditedContactFields)
    })
    return { contact, lead: rescored.lead }
  }).pipe(transactionally, Effect.withSpan("updateContact"))
