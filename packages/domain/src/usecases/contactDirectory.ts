import { Effect } from "effect"
import type { Activity } from "../model/Activity.js"
import type { Contact } from "../model/Contact.js"
import type { Conversation } from "../model/Conversation.js"
import type { ContactId } from "../model/ids.js"
import type { Lead } from "../model/Lead.js"
import { ActivityRepository } from "../ports/ActivityRepository.js"
import { type ContactQuery, ContactRepository } from "../ports/ContactRepository.js"
import { ConversationRepository } from "../ports/ConversationRepository.js"
import { loadContact, loadLead, type UseCaseContext } from "./UseCaseContext.js"

/** The organization's contacts across its leads, newest first, filtered; `cursor` comes from the previous page. */
export const listContacts = (ctx: UseCaseContext, query: ContactQuery) =>
  Effect.flatMap(ContactRepository, (contacts) => contacts.list(ctx.organizationId, query)).pipe(
    Effect.withSpan("listContacts")
  )

/** The most words a search uses; the rest of a longer query is ignored. */
export const CONTACT_SEARCH_MAX_WORDS = 8

/** The words of a search query: letters and digits, lower case, at most CONTACT_SEARCH_MAX_WORDS. */
export const searchWords = (query: string): ReadonlyArray<string> =>
  query
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== "")
    .slice(0, CONTACT_SEARCH_MAX_WORDS)

/** Contacts whose name, email, title or company match every word of `query` (as word prefixes), best first. */
export const searchContacts = (ctx: UseCaseContext, query: string, options: { readonly limit?: number } = {}) =>
  Effect.gen(function* () {
    if (searchWords(query).length === 0) return []
    const limit = Math.max(1, Math.min(100, Math.trunc(options.limit ?? 20)))
    return yield* (yield* ContactRepository).search(ctx.organizationId, query, { limit })
  }).pipe(Effect.withSpan("searchContacts"))

export type ContactInclude = "lead" | "activities" | "conversations"

/** A contact with what was asked for: its lead, its activities (newest first) and its conversations. */
export interface ContactDetail {
  readonly contact: Contact
  readonly lead?: Lead
  readonly activities?: ReadonlyArray<Activity>
  readonly conversations?: ReadonlyArray<Conversation>
}

/** One contact of the caller's organization (ContactNotFound for any other), with the parts `include` names. */
export const getContact = (ctx: UseCaseContext, id: ContactId, include: ReadonlyArray<ContactInclude> = []) =>
  Effect.gen(function* () {
    const contact = yield* loadContact(ctx, id)
    const wants = new Set(include)
    const lead = wants.has("lead") ? yield* loadLead(ctx, contact.leadId) : undefined
    const activities = wants.has("activities")
      ? (yield* (yield* ActivityRepository).listByLead(ctx.organizationId, contact.leadId)).filter(
          (a) => a.contactId === contact.id
        )
      : undefined
    const conversations = wants.has("conversations")
      ? (yield* (yield* ConversationRepository).listByLead(ctx.organizationId, contact.leadId)).filter(
          (c) => c.contactId === contact.id
        )
      : undefined
    const detail: ContactDetail = {
      contact,
      ...(lead === undefined ? {} : { lead }),
      ...(activities === undefined ? {} : { activities }),
      ...(conversations === undefined ? {} : { conversations })
    }
    return detail
  }).pipe(Effect.withSpan("getContact"))
