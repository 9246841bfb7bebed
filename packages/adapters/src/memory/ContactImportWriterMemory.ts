import { type Contact, ContactImportWriter, type Lead, leadIdentity } from "@leadforge/domain"
import { Effect, HashMap, Layer, Ref } from "effect"
import { MemoryStore, scoped } from "./MemoryStore.js"
import { traced } from "./traced.js"

const identityKeyOf = (lead: Lead): string => leadIdentity(lead)?.key ?? `id:${lead.id}`

/**
 * The bulk reads and inserts of a contact import on the memory store. `insertAll` is one update of the tables (all
 * or nothing); a contact whose id or email (in its organization, ignoring case) is taken is a defect, as the
 * unique violation of the SQL writer's one statement is.
 */
export const ContactImportWriterMemory: Layer.Layer<ContactImportWriter, never, MemoryStore> = Layer.effect(
  ContactImportWriter,
  Effect.gen(function* () {
    const { lock, tables } = yield* MemoryStore
    return ContactImportWriter.of(
      traced("ContactImportWriterMemory", {
        leadsByIdentity: (organizationId, identityKeys) =>
          Effect.map(Ref.get(tables), (t) => {
            const wanted = new Set(identityKeys)
            const found = new Map<string, Lead>()
            for (const lead of scoped(t.leads, organizationId)) {
              const key = identityKeyOf(lead)
              if (wanted.has(key)) found.set(key, lead)
            }
            return found
          }),
        // as `lower(email) IN (…)`: the emails asked for are compared as given with the lower-cased stored ones
        contactsByEmail: (organizationId, emails) =>
          Effect.map(Ref.get(tables), (t) => {
            const wanted = new Set(emails)
            const found = new Map<string, Contact>()
            for (const contact of scoped(t.contacts, organizationId)) {
              const email = contact.email?.toLowerCase()
              if (email !== undefined && wanted.has(email)) found.set(email, contact)
            }
            return found
          }),
        insertAll: (contacts) =>
          lock.withPermits(1)(
            Effect.flatMap(Ref.get(tables), (t) => {
              const emails = new Set<string>()
              for (const stored of HashMap.values(t.contacts)) {
                if (stored.email !== null) emails.add(`${stored.organizationId}/${stored.email.toLowerCase()}`)
              }
              let table = t.contacts
              for (const contact of contacts) {
                const email = contact.email === null ? null : `${contact.organizationId}/${contact.email.toLowerCase()}`
                if (HashMap.has(table, contact.id) || (email !== null && emails.has(email))) {
                  return Effect.dieMessage(`contact ${contact.id} duplicates a stored contact's id or email`)
                }
                if (email !== null) emails.add(email)
                table = HashMap.set(table, contact.id, contact)
              }
              return Ref.set(tables, { ...t, contacts: table })
            })
          ),
        analyze: Effect.void
      })
    )
  })
)
