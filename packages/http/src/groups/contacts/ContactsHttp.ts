import { HttpApiBuilder } from "@effect/platform"
import {
  addContact,
  deleteContact,
  getContact,
  getLeadContact,
  listContacts,
  listLeadContacts,
  searchContacts,
  updateContact,
  validateContact
} from "@leadforge/domain"
import { Effect } from "effect"
import { LeadforgeApi } from "../../Api.js"
import { FieldError } from "../../contract/Problems.js"
import { useCaseContext } from "../caller.js"
import { mapDomainErrors } from "../domainErrors.js"
import { expectedVersion, withEtag } from "../versioning.js"
import { ContactDetail, ContactHit, ContactValidationResult, NormalizedContact } from "./ContactsApi.js"

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
        return { items: yield* listLeadContacts(yield* useCaseContext, path.leadId) }
      }).pipe(mapDomainErrors)
    )
    .handle("get", ({ path }) =>
      Effect.gen(function* () {
        const contact = yield* getLeadContact(yield* useCaseContext, path.leadId, path.contactId)
        yield* withEtag(contact.version)
        return contact
      }).pipe(mapDomainErrors)
    )
    .handle("update", ({ path, headers, payload }) =>
      Effect.gen(function* () {
        const ctx = yield* useCaseContext
        const { version, ...patch } = payload
        yield* getLeadContact(ctx, path.leadId, path.contactId)
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
    .handle("listAll", ({ urlParams }) =>
      Effect.gen(function* () {
        const page = yield* listContacts(yield* useCaseContext, urlParams)
        return { items: page.items, nextCursor: page.nextCursor }
      }).pipe(mapDomainErrors)
    )
    .handle("search", ({ urlParams }) =>
      Effect.gen(function* () {
        const hits = yield* searchContacts(
          yield* useCaseContext,
          urlParams.q,
          urlParams.limit === undefined ? {} : { limit: urlParams.limit }
        )
        return { items: hits.map((hit) => new ContactHit(hit)) }
      }).pipe(mapDomainErrors)
    )
    .handle("getById", ({ path, urlParams }) =>
      Effect.gen(function* () {
        const detail = yield* getContact(yield* useCaseContext, path.id, urlParams.include ?? [])
        yield* withEtag(detail.contact.version)
        return new ContactDetail(detail)
      }).pipe(mapDomainErrors)
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
