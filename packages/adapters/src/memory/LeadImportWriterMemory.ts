import { Lead, LeadImportWriter, leadIdentity } from "@leadforge/domain"
import { Effect, HashMap, Layer, Ref } from "effect"
import { MemoryStore, scoped } from "./MemoryStore.js"
import { traced } from "./traced.js"

/** The identity a stored lead is found under: the rule's key, or its id when the rule cannot identify it. */
const identityKeyOf = (lead: Lead): string => leadIdentity(lead)?.key ?? `id:${lead.id}`

/** What an import's upsert keeps of a stored lead: its identity, workflow and creation. */
const upserted = (stored: Lead | undefined, row: LeadImportWriter.Row): Lead =>
  new Lead({
    ...row.lead,
    leadScore: row.score.score,
    grade: row.score.grade,
    ...(stored === undefined
      ? {}
      : {
          id: stored.id,
          organizationId: stored.organizationId,
          status: stored.status,
          ownerId: stored.ownerId,
          nextFollowUpAt: stored.nextFollowUpAt,
          createdAt: stored.createdAt
        })
  })

/**
 * The bulk lead writer on the memory store: a batch reads, plans and writes under the store's writer lock, and its
 * rows go in with one update of the tables, so a batch is all or nothing and no other writer comes in between (so
 * `plan` runs once). Rows are upserted by identity key, as the SQL writer's ON CONFLICT does.
 */
export const LeadImportWriterMemory: Layer.Layer<LeadImportWriter, never, MemoryStore> = Layer.effect(
  LeadImportWriter,
  Effect.gen(function* () {
    const { lock, tables } = yield* MemoryStore
    const writeBatch: LeadImportWriter.Service["writeBatch"] = (organizationId, identityKeys, plan, options) =>
      lock.withPermits(1)(
        Effect.gen(function* () {
          const wanted = new Set(identityKeys)
          const stored = new Map<string, Lead>()
          for (const lead of scoped((yield* Ref.get(tables)).leads, organizationId)) {
            const key = identityKeyOf(lead)
            if (wanted.has(key)) stored.set(key, lead)
          }
          const planned = yield* plan(stored)
          if (options.dryRun) return planned.result
          yield* Ref.update(tables, (t) => {
            const byIdentity = new Map(scoped(t.leads, organizationId).map((lead) => [identityKeyOf(lead), lead]))
            let leads = t.leads
            for (const row of [...planned.inserts, ...planned.updates]) {
              const lead = upserted(byIdentity.get(row.identityKey), row)
              byIdentity.set(row.identityKey, lead)
              leads = HashMap.set(leads, lead.id, lead)
            }
            return { ...t, leads }
          })
          return planned.result
        })
      )
    return LeadImportWriter.of(
      traced("LeadImportWriterMemory", {
        writeBatch,
        // there are no planner statistics in memory
        analyze: () => Effect.void
      })
    )
  })
)
