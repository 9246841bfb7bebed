import { HttpApiBuilder } from "@effect/platform"
import {
  ActivityRepository,
  addContact,
  audit,
  type ContactId,
  ContactNotFound,
  ContactRepository,
  type LeadId,
  LeadNotFound,
  LeadRepository,
  recordActivity,
  rescoreStored,
  Transactor,
  type UseCaseContext,
  updateContact,
  validateContact
} from "@leadforge/domain"
import { Effect, Option } from "effect"
import { LeadforgeApi } from "../Api.js"
import { ContactValidationResult, NormalizedContact } from "../api/ContactsApi.js"
import { FieldError } from "../api/Problems.js"
import { expectedVersion, useCaseContext, withEtag } from "./context.js"
import { mapDomainErrors } from "./problems.js"

const findLead = (ctx: UseCaseContext, id: LeadId) =>
  Effect.flatMap(LeadRepository, (leads) => leads.findById(ctx.organizationId, id)).pipe(
    Effect.flatMap(
      Option.match({ onNone: () => Effect.fail(new LeadNotFound({ leadId: id })), onSome: Effect.succeed })
    )
  )

/** A contact of this lead in this organization; any other contact does not exist for the caller. */
const findContact = (ctx: UseCaseContext, leadId: LeadId, id: ContactId) =>
  Effect.flatMap(ContactRepository, (contacts) => contacts.findById(ctx.organizationId, id)).pipe(
    Effect.flatMap((found) =>
      Option.isSome(found) && found.value.leadId === leadId
        ? Effect.succeed(found.value)
        : Effect.fail(new ContactNotFound({ contactId: id }))
    )
  )

const deleteContact = (ctx: UseCaseContext, leadId: LeadId, id: ContactId) =>
  Effect.gen(function* () {
    const contact = yield* findContact(ctx, leadId, id)
    yield* (yield* ContactRepository).delete(ctx.organizationId, id)
    const lead = yield* findLead(ctx, leadId)
    yield* rescoreStored(lead)
    yield* audit(ctx, "delete", "contact", id, { leadId, email: contact.email })
  }).pipe((effect) => Effect.flatMap(Transactor, (tx) => tx.withTransaction(effect)))

export const ContactsHttp = HttpApiBuilder.group(LeadforgeApi, "contacts", (handlers) =>
  handlers
    .handle("create", ({ path, payload }) =>
      Effect.gen(function* () {
        const { contact } = yield* addContact(yield* useCaseContext, path.leadId, payload)
        yield* withEtag(contact.version)
        return contact
      }).pipe(mapDomainErrors)
    )
    .handle("list", ({ path }) =>
      Effect.gen(function* () {
        const ctx = yield* useCaseContext
        yield* findLead(ctx, path.leadId)
        return { items: yield* (yield* ContactRepository).listByLead(ctx.organizationId, path.leadId) }
      }).pipe(mapDomainErrors)
    )
    .handle("get", ({ path }) =>
      Effect.gen(function* () {
        const contact = yield* findContact(yield* useCaseContext, path.leadId, path.contactId)
        yield* withEtag(contact.version)
        return contact
      }).pipe(mapDomainErrors)
    )
    .handle("update", ({ path, headers, payload }) =>
      Effect.gen(function* () {
        const ctx = yield* useCaseContext
        const { version, ...patch } = payload
        yield* findContact(ctx, path.leadId, path.contactId)
        const expected = yield* expectedVersion(headers["if-match"], version, false)
        const { contact } = yield* updateContact(
          ctx,
          path.contactId,
          patch,
          expected === undefined ? {} : { expectedVersion: expected }
        )
        yield* withEtag(contact.version)
        return contact
      }).pipe(mapDomainErrors)
    )
    .handle("delete", ({ path }) =>
      useCaseContext.pipe(
        Effect.flatMap((ctx) => deleteContact(ctx, path.leadId, path.contactId)),
        mapDomainErrors
      )
    )
    .handle("validate", ({ payload }) =>
      Effect.sync(() => ({
        items: payload.contacts.map((fields, index) => {
          const result = validateContact(fields, {
            ...(payload.companyDomain == null ? {} : { companyDomain: payload.companyDomain }),
            ...(payload.defaultCountry === undefined ? {} : { defaultCountry: payload.defaultCountry })
          })
          return new ContactValidationResult({
            index,
            status: result.status,
            confidence: result.confidence,
            contact: new NormalizedContact(result.contact),
            issues: result.issues.map((i) => new FieldError(i))
          })
        })
      }))
    )
)

export const ActivitiesHttp = HttpApiBuilder.group(LeadforgeApi, "activities", (handlers) =>
  handlers
    .handle("create", ({ path, payload }) =>
      Effect.gen(function* () {
        const { activity } = yield* recordActivity(yield* useCaseContext, path.leadId, {
          kind: payload.kind,
          occurredAt: payload.occurredAt,
          summary: payload.summary ?? null,
          contactId: payload.contactId ?? null
        })
        return activity
      }).pipe(mapDomainErrors)
    )
    .handle("list", ({ path }) =>
      Effect.gen(function* () {
        const ctx = yield* useCaseContext
        yield* findLead(ctx, path.leadId)
        return { items: yield* (yield* ActivityRepository).listByLead(ctx.organizationId, path.leadId) }
      }).pipe(mapDomainErrors)
    )
)
