import {
  Activity,
  Contact,
  ContactNotFound,
  ContactRepository,
  Conversation,
  DuplicateContact,
  VersionConflict
} from "@leadforge/domain"
import { Effect, HashMap, Layer, Option, Ref } from "effect"
import { MemoryStore, scoped } from "./MemoryStore.js"
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
