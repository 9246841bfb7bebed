import type { Effect } from "effect"
import { Context } from "effect"
import type { Unavailable } from "../errors.js"
import type { Contact } from "../model/Contact.js"
import type { OrganizationId } from "../model/ids.js"
import type { Lead } from "../model/Lead.js"

export declare namespace ContactImportWriter {
  export interface Service {
    /** The stored leads with these identity keys (keyed by identity key), for matching contacts to companies. */
    readonly leadsByIdentity: (
      organizationId: OrganizationId,
      identityKeys: ReadonlyArray<string>
    ) => Effect.Effect<ReadonlyMap<string, Lead>, Unavailable>
    /** The stored contacts with these emails, keyed by lower-cased email. */
    readonly contactsByEmail: (
      organizationId: OrganizationId,
      emails: ReadonlyArray<string>
    ) => Effect.Effect<ReadonlyMap<string, Contact>, Unavailable>
    /** Inserts new contacts in one statement (inside the caller's transaction). */
    readonly insertAll: (contacts: ReadonlyArray<Contact>) => Effect.Effect<void, Unavailable>
    /** Refreshes the planner's statistics of the contacts table (its lookup is by lower(email)). */
    readonly analyze: Effect.Effect<void, Unavailable>
  }
}

/** The bulk reads and inserts behind `leadforge import --type contacts`. */
export class ContactImportWriter extends Context.Tag("@leadforge/domain/ContactImportWriter")<
  ContactImportWriter,
  ContactImportWriter.Service
>() {}
