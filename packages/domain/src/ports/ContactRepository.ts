import type { Effect, Option } from "effect"
import { Context } from "effect"
import type { ContactNotFound, DuplicateContact, Unavailable, VersionConflict } from "../errors.js"
import type { Contact } from "../model/Contact.js"
import type { ContactId, LeadId, OrganizationId } from "../model/ids.js"

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
