import {
  DuplicateLead,
  KnowledgeDoc,
  type Lead,
  type LeadId,
  LeadNotFound,
  type LeadQuery,
  LeadRepository,
  leadIdentity,
  ResearchTask,
  VersionConflict
} from "@leadforge/domain"
import { Effect, HashMap, Layer, Option, Ref } from "effect"
import { MemoryStore, pageDesc, scoped } from "./MemoryStore.js"
import { traced } from "./traced.js"

const identityKey = (lead: Lead): string | null => leadIdentity(lead)?.key ?? null

/** The existing lead that `lead` would collide with (identity key or domain), if any. */
const conflicting = (table: HashMap.HashMap<string, Lead>, lead: Lead): DuplicateLead | null => {
  const key = identityKey(lead)
  for (const other of scoped(table, lead.organizationId)) {
    if (other.id === lead.id) continue
    if (key !== null && identityKey(other) === key)
      return new DuplicateLead({ existingLeadId: other.id, identity: key })
    if (lead.domain !== null && other.domain === lead.domain) {
      return new DuplicateLead({ existingLeadId: other.id, identity: `domain:${lead.domain}` })
    }
  }
  return null
}

const matches = (lead: Lead, query: LeadQuery): boolean => {
  if (query.status !== undefined && query.status.length > 0 && !query.status.includes(lead.status)) return false
  if (query.industry !== undefined && lead.industry?.toLowerCase() !== query.industry.toLowerCase()) return false
  if (query.country !== undefined && lead.location?.country !== query.country.toUpperCase()) return false
  if (query.fundingStage !== undefined && lead.fundingStage !== query.fundingStage) return false
  if (query.minScore !== undefined && lead.leadScore < query.minScore) return false
  if (query.maxScore !== undefined && lead.leadScore > query.maxScore) return false
  if (query.tag !== undefined && !lead.tags.includes(query.tag)) return false
  if (query.createdAfter !== undefined && lead.createdAt < query.createdAfter) return false
  if (query.createdBefore !== undefined && lead.createdAt >= query.createdBefore) return false
  if (query.q !== undefined && query.q.trim() !== "") {
    const q = query.q.trim().toLowerCase()
    if (!lead.companyName.toLowerCase().includes(q) && !(lead.domain ?? "").includes(q)) return false
  }
  return true
}

export const LeadRepositoryMemory: Layer.Layer<LeadRepository, never, MemoryStore> = Layer.effect(
  LeadRepository,
  Effect.gen(function* () {
    const { tables, lock } = yield* MemoryStore
    const find = (organizationId: string, id: string) =>
      Ref.get(tables).pipe(
        Effect.map((t) => HashMap.get(t.leads, id).pipe(Option.filter((l) => l.organizationId === organizationId)))
      )
    return LeadRepository.of(
      traced("LeadRepositoryMemory", {
        insert: (lead) =>
          lock.withPermits(1)(
            Effect.gen(function* () {
              const t = yield* Ref.get(tables)
              const duplicate = conflicting(t.leads, lead)
              if (duplicate !== null) return yield* duplicate
              yield* Ref.set(tables, { ...t, leads: HashMap.set(t.leads, lead.id, lead) })
              return lead
            })
          ),
        update: (lead) =>
          lock.withPermits(1)(
            Effect.gen(function* () {
              const t = yield* Ref.get(tables)
              const stored = HashMap.get(t.leads, lead.id).pipe(
                Option.filter((l) => l.organizationId === lead.organizationId)
              )
              if (Option.isNone(stored)) return yield* new LeadNotFound({ leadId: lead.id })
              if (stored.value.version !== lead.version - 1) {
                return yield* new VersionConflict({
                  entity: "lead",
                  id: lead.id,
                  expectedVersion: lead.version - 1,
                  actualVersion: stored.value.version
                })
              }
              const duplicate = conflicting(t.leads, lead)
              if (duplicate !== null) return yield* duplicate
              yield* Ref.set(tables, { ...t, leads: HashMap.set(t.leads, lead.id, lead) })
              return lead
            })
          ),
        findById: (organizationId, id) => find(organizationId, id),
        findByIds: (organizationId, ids) =>
          Ref.get(tables).pipe(
            Effect.map((t) =>
              ids.flatMap((id) =>
                Option.toArray(HashMap.get(t.leads, id).pipe(Option.filter((l) => l.organizationId === organizationId)))
              )
            )
          ),
        findByIdentity: (organizationId, key) =>
          Ref.get(tables).pipe(
            Effect.map((t) => Option.fromNullable(scoped(t.leads, organizationId).find((l) => identityKey(l) === key)))
          ),
        list: (organizationId, query) =>
          Ref.get(tables).pipe(
            Effect.flatMap((t) =>
              pageDesc(
                scoped(t.leads, organizationId).filter((l) => matches(l, query)),
                (l) => (query.sort === "created" ? [l.createdAt.toISOString(), l.id] : [l.leadScore, l.id]),
                query.sort === "created" ? ["string", "string"] : ["number", "string"],
                query
              )
            )
          ),
        delete: (organizationId, id: LeadId) =>
          lock.withPermits(1)(
            Effect.gen(function* () {
              const t = yield* Ref.get(tables)
              const stored = HashMap.get(t.leads, id).pipe(Option.filter((l) => l.organizationId === organizationId))
              if (Option.isNone(stored)) return yield* new LeadNotFound({ leadId: id })
              // what belongs to the lead goes with it; documents and research tasks stay, unlinked (the SQL rules)
              const owned = <A extends { readonly organizationId: string; readonly leadId: string | null }>(
                table: HashMap.HashMap<string, A>
              ) => HashMap.filter(table, (row) => row.organizationId === organizationId && row.leadId === id)
              const contacts = owned(t.contacts)
              const activities = owned(t.activities)
              const conversations = owned(t.conversations)
              const dataSources = owned(t.dataSources)
              const tasks = owned(t.tasks)
              const linked = HashMap.filter(
                t.knowledge,
                ({ doc }) => doc.organizationId === organizationId && doc.leadId === id
              )
              const without = <A>(table: HashMap.HashMap<string, A>, gone: HashMap.HashMap<string, A>) =>
                HashMap.removeMany(table, HashMap.keys(gone))
              yield* Ref.set(tables, {
                ...t,
                leads: HashMap.remove(t.leads, id),
                contacts: without(t.contacts, contacts),
                activities: without(t.activities, activities),
                conversations: without(t.conversations, conversations),
                dataSources: without(t.dataSources, dataSources),
                tasks: HashMap.map(t.tasks, (task) =>
                  HashMap.has(tasks, task.id) ? new ResearchTask({ ...task, leadId: null }) : task
                ),
                knowledge: HashMap.map(t.knowledge, (entry) =>
                  HashMap.has(linked, entry.doc.id)
                    ? { ...entry, doc: new KnowledgeDoc({ ...entry.doc, leadId: null }) }
                    : entry
                )
              })
              return {
                contacts: Array.from(HashMap.values(contacts)).map((c) => ({ id: c.id, email: c.email })),
                activities: HashMap.size(activities),
                conversations: HashMap.size(conversations),
                dataSources: HashMap.size(dataSources),
                researchTasksUnlinked: HashMap.size(tasks),
                knowledgeDocsUnlinked: HashMap.size(linked)
              }
            })
          )
      })
    )
  })
)
