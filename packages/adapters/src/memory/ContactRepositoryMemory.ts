import {
  Activity,
  Contact,
  ContactNotFound,
  type ContactQuery,
  ContactRepository,
  Conversation,
  DuplicateContact,
  type Lead,
  searchWords,
  VersionConflict
} from "@leadforge/domain"
import { Effect, HashMap, Layer, Option, Ref } from "effect"
import { MemoryStore, pageDesc, scoped } from "./MemoryStore.js"
import { traced } from "./traced.js"

const conflicting = (table: HashMap.HashMap<string, Contact>, contact: Contact): DuplicateContact | null => {
  if (contact.email === null) return null
  const email = contact.email.toLowerCase()
  const other = scoped(table, contact.organizationId).find(
    (c) => c.id !== contact.id && c.email !== null && c.email.toLowerCase() === email
  )
  return other === undefined ? null : new DuplicateContact({ existingContactId: other.id, email: contact.email })
}

const byNewest = (a: { readonly createdAt: Date; readonly id: string }, b: typeof a) =>
  b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)

const matches = (contact: Contact, query: ContactQuery): boolean =>
  (query.emailStatus === undefined || contact.emailStatus === query.emailStatus) &&
  (query.seniority === undefined || contact.seniority === query.seniority) &&
  (query.department === undefined || contact.department === query.department) &&
  (query.leadId === undefined || contact.leadId === query.leadId) &&
  (query.source === undefined || contact.source === query.source)

const wordsOf = (text: string | null | undefined): ReadonlyArray<string> =>
  (text ?? "")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== "")

/**
 * The SQL search's rule in memory: every query word must start a word of the name, the email, the title or the
 * lead's company (name or domain); a match in the name weighs most, then email, title, company.
 */
const relevance = (query: ReadonlyArray<string>, contact: Contact, lead: Lead | undefined): number | null => {
  const fields: ReadonlyArray<readonly [ReadonlyArray<string>, number]> = [
    [[...wordsOf(contact.firstName), ...wordsOf(contact.lastName)], 1],
    [wordsOf(contact.email), 0.4],
    [wordsOf(contact.jobTitle), 0.2],
    [[...wordsOf(lead?.companyName), ...wordsOf(lead?.domain)], 0.1]
  ]
  let score = 0
  for (const word of query) {
    const weights = fields.filter(([words]) => words.some((w) => w.startsWith(word))).map(([, weight]) => weight)
    if (weights.length === 0) return null
    score += Math.max(...weights)
  }
  return score
}

export const ContactRepositoryMemory: Layer.Layer<ContactRepository, never, MemoryStore> = Layer.effect(
  ContactRepository,
  Effect.gen(function* () {
    const { tables, lock } = yield* MemoryStore
    return ContactRepository.of(
      traced("ContactRepositoryMemory", {
        insert: (contact) =>
          lock.withPermits(1)(
            Effect.gen(function* () {
              const t = yield* Ref.get(tables)
              const duplicate = conflicting(t.contacts, contact)
              if (duplicate !== null) return yield* duplicate
              yield* Ref.set(tables, { ...t, contacts: HashMap.set(t.contacts, contact.id, contact) })
              return contact
            })
          ),
        update: (contact) =>
          lock.withPermits(1)(
            Effect.gen(function* () {
              const t = yield* Ref.get(tables)
              const stored = HashMap.get(t.contacts, contact.id).pipe(
                Option.filter((c) => c.organizationId === contact.organizationId)
              )
              if (Option.isNone(stored)) return yield* new ContactNotFound({ contactId: contact.id })
              if (stored.value.version !== contact.version - 1) {
                return yield* new VersionConflict({
                  entity: "contact",
                  id: contact.id,
                  expectedVersion: contact.version - 1,
                  actualVersion: stored.value.version
                })
              }
              const duplicate = conflicting(t.contacts, contact)
              if (duplicate !== null) return yield* duplicate
              yield* Ref.set(tables, { ...t, contacts: HashMap.set(t.contacts, contact.id, contact) })
              return contact
            })
          ),
        findById: (organizationId, id) =>
          Ref.get(tables).pipe(
            Effect.map((t) =>
              HashMap.get(t.contacts, id).pipe(Option.filter((c) => c.organizationId === organizationId))
            )
          ),
        findByEmail: (organizationId, email) =>
          Ref.get(tables).pipe(
            Effect.map((t) =>
              Option.fromNullable(
                scoped(t.contacts, organizationId).find(
                  (c) => c.email !== null && c.email.toLowerCase() === email.toLowerCase()
                )
              )
            )
          ),
        listByLead: (organizationId, leadId) =>
          Ref.get(tables).pipe(
            Effect.map((t) =>
              scoped(t.contacts, organizationId)
                .filter((c) => c.leadId === leadId)
                .sort(byNewest)
            )
          ),
        delete: (organizationId, id) =>
          lock.withPermits(1)(
            Effect.gen(function* () {
              const t = yield* Ref.get(tables)
              const stored = HashMap.get(t.contacts, id).pipe(Option.filter((c) => c.organizationId === organizationId))
              if (Option.isNone(stored)) return yield* new ContactNotFound({ contactId: id })
              yield* Ref.set(tables, {
                ...t,
                contacts: HashMap.remove(t.contacts, id),
                activities: HashMap.map(t.activities, (a) =>
                  a.contactId === id ? new Activity({ ...a, contactId: null }) : a
                ),
                conversations: HashMap.map(t.conversations, (c) =>
                  c.contactId === id ? new Conversation({ ...c, contactId: null }) : c
                )
              })
            })
          ),
        list: (organizationId, query) =>
          Ref.get(tables).pipe(
            Effect.flatMap((t) =>
              pageDesc(
                scoped(t.contacts, organizationId).filter((c) => matches(c, query)),
                (c) => [c.createdAt.toISOString(), c.id],
                ["string", "string"],
                query
              )
            )
          ),
        search: (organizationId, query, options) =>
          Ref.get(tables).pipe(
            Effect.map((t) => {
              const words = searchWords(query)
              if (words.length === 0) return []
              return scoped(t.contacts, organizationId)
                .flatMap((contact) => {
                  const lead = HashMap.get(t.leads, contact.leadId).pipe(Option.getOrUndefined)
                  const score = relevance(words, contact, lead)
                  return score === null ? [] : [{ contact, score }]
                })
                .sort((a, b) => b.score - a.score || (a.contact.id < b.contact.id ? -1 : 1))
                .slice(0, options.limit)
                .map((hit, i) => ({ ...hit, rank: i + 1 }))
            })
          ),
        reassignLead: (organizationId, from, to) =>
          lock.withPermits(1)(
            Effect.gen(function* () {
              const t = yield* Ref.get(tables)
              const moving = scoped(t.contacts, organizationId).filter((c) => c.leadId === from)
              const contacts = moving.reduce(
                (acc, c) => HashMap.set(acc, c.id, new Contact({ ...c, leadId: to })),
                t.contacts
              )
              yield* Ref.set(tables, { ...t, contacts })
              return moving.length
            })
          )
      })
    )
  })
)
