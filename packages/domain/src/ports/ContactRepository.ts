import type { Effect, Option } from "effect"
import { Context } from "effect"
import type { ContactNotFound, DuplicateContact, Unavailable, ValidationFailed, VersionConflict } from "../errors.js"
import type { Contact, ContactSource, Department, EmailStatus, Seniority } from "../model/Contact.js"
import type { ContactId, LeadId, OrganizationId } from "../model/ids.js"
import type { Page } from "./Page.js"

/** Filters of the organization-wide contact list, newest first. */
export interface ContactQuery {
  readonly emailStatus?: EmailStatus
  readonly seniority?: Seniority
  readonly department?: Department
  readonly leadId?: LeadId
  readonly source?: ContactSource
  readonly limit?: number
  readonly cursor?: string
}

/** A contact found by full-text search; `rank` is 1 for the best match, `score` the store's own relevance. */
export interface ContactHit {
  readonly contact: Contact
  readonly rank: number
  readonly score: number
}

export declare namespace ContactRepository {
  export interface Service {
    /** Fails with DuplicateContact when another contact of the organization has the same email (case-insensitive). */
    readonly insert: (contact: Contact) => Effect.Effect<Contact, DuplicateContact | Unavailable>
    /** Writes `contact` if the stored version is `contact.version - 1`. */
    readonly update: (
      contact: Contact
    ) => Effect.Effect<Contact, DuplicateContact | VersionConflict | ContactNotFound | Unavailable>
    readonly findById: (
      organizationId: OrganizationId,
      id: ContactId
    ) => Effect.Effect<Option.Option<Contact>, Unavailable>
    readonly findByEmail: (
      organizationId: OrganizationId,
      email: string
    ) => Effect.Effect<Option.Option<Contact>, Unavailable>
    readonly listByLead: (
      organizationId: OrganizationId,
      leadId: LeadId
    ) => Effect.Effect<ReadonlyArray<Contact>, Unavailable>
    readonly delete: (
      organizationId: OrganizationId,
      id: ContactId
    ) => Effect.Effect<void, ContactNotFound | Unavailable>
    /** The organization's contacts, newest first; ValidationFailed (field `cursor`) for a cursor it did not hand out. */
    readonly list: (
      organizationId: OrganizationId,
      query: ContactQuery
    ) => Effect.Effect<Page<Contact>, ValidationFailed | Unavailable>
    /**
     * Full-text search over name, email, job title and the lead's company name: every word of `query` must match
     * the start of a word of one of them; best first.
     */
    readonly search: (
      organizationId: OrganizationId,
      query: string,
      options: { readonly limit: number }
    ) => Effect.Effect<ReadonlyArray<ContactHit>, Unavailable>
    /** Moves every contact of one lead to another (used by merges); returns how many moved. */
    readonly reassignLead: (
      organizationId: OrganizationId,
      from: LeadId,
      to: LeadId
    ) => Effect.Effect<number, Unavailable>
  }
}

export class ContactRepository extends Context.Tag("@leadforge/domain/ContactRepository")<
  ContactRepository,
  ContactRepository.Service
>() {}
