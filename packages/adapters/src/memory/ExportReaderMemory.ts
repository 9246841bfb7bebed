import {
  type Contact,
  contactExportRecord,
  type ExportFilter,
  ExportReader,
  type Lead,
  leadExportRecord
} from "@leadforge/domain"
import { Effect, Layer, Ref, Stream } from "effect"
import { MemoryStore, scoped } from "./MemoryStore.js"

const matches = (lead: Lead, filter: ExportFilter): boolean =>
  (filter.status === undefined || lead.status === filter.status) &&
  (filter.industry === undefined || lead.industry === filter.industry) &&
  (filter.country === undefined || lead.location?.country === filter.country) &&
  (filter.minScore === undefined || lead.leadScore >= filter.minScore)

const byId = (a: { readonly id: string }, b: { readonly id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

export const ExportReaderMemory: Layer.Layer<ExportReader, never, MemoryStore> = Layer.effect(
  ExportReader,
  Effect.gen(function* () {
    const { tables } = yield* MemoryStore
    return ExportReader.of({
      leads: (organizationId, filter) =>
        Stream.fromIterableEffect(
          Effect.map(Ref.get(tables), (t) =>
            scoped(t.leads, organizationId)
              .filter((lead) => matches(lead, filter))
              .sort(byId)
              .map(leadExportRecord)
          )
        ).pipe(Stream.withSpan("ExportReaderMemory.leads")),
      contacts: (organizationId, filter) =>
        Stream.fromIterableEffect(
          Effect.map(Ref.get(tables), (t) => {
            const leads = new Map(
              scoped(t.leads, organizationId)
                .filter((lead) => matches(lead, filter))
                .map((lead) => [lead.id as string, lead] as const)
            )
            return scoped(t.contacts, organizationId)
              .filter((contact) => leads.has(contact.leadId))
              .sort(byId)
              .map((contact: Contact) => contactExportRecord(contact, leads.get(contact.leadId) as Lead))
          })
        ).pipe(Stream.withSpan("ExportReaderMemory.contacts"))
    })
  })
)
