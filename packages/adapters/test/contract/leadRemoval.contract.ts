import type { Vitest } from "@effect/vitest"
import { describe, expect } from "@effect/vitest"
import {
  ActivityRepository,
  ContactRepository,
  Conversation,
  type ConversationId,
  ConversationRepository,
  DataSource,
  type DataSourceId,
  DataSourceRepository,
  KnowledgeDoc,
  type KnowledgeDocId,
  KnowledgeRepository,
  type LeadId,
  LeadRepository,
  newId,
  type OrganizationId,
  ResearchTask,
  type ResearchTaskId,
  TaskQueue
} from "@leadforge/domain"
import { Effect, Option } from "effect"
import { activity, contact, storedLeadId } from "./fixtures.js"

export type LeadRemovalPorts =
  | LeadRepository
  | ContactRepository
  | ActivityRepository
  | ConversationRepository
  | DataSourceRepository
  | TaskQueue
  | KnowledgeRepository

const at = new Date("2026-01-01T00:00:00.000Z")

/** One row of every kind that refers to `leadId`. */
const dependents = (organizationId: OrganizationId, lead: LeadId) =>
  Effect.gen(function* () {
    const ada = yield* (yield* ContactRepository).insert(contact(organizationId, lead))
    const bob = yield* (yield* ContactRepository).insert(contact(organizationId, lead))
    yield* (yield* ActivityRepository).insert(activity(organizationId, lead, at))
    yield* (yield* ActivityRepository).insert(activity(organizationId, lead, new Date("2026-01-02T00:00:00Z")))
    yield* (yield* ConversationRepository).insert(
      new Conversation({
        id: newId<ConversationId>(),
        organizationId,
        leadId: lead,
        contactId: ada.id,
        subject: "Intro",
        messages: [],
        createdAt: at,
        updatedAt: at
      })
    )
    yield* (yield* DataSourceRepository).insert(
      new DataSource({
        id: newId<DataSourceId>(),
        organizationId,
        leadId: lead,
        type: "website",
        url: "https://example.com",
        rawPayload: {},
        confidence: 60,
        fetchedAt: at,
        createdAt: at
      })
    )
    const task = yield* (yield* TaskQueue).enqueue(
      new ResearchTask({
        id: newId<ResearchTaskId>(),
        organizationId,
        kind: "find_contacts",
        leadId: lead,
        status: "queued",
        input: { kind: "find_contacts", leadId: lead },
        result: null,
        error: null,
        attempts: 0,
        maxAttempts: 2,
        runAfter: new Date("2100-01-01T00:00:00Z"),
        leaseOwner: null,
        leaseExpiresAt: null,
        createdAt: at,
        updatedAt: at
      })
    )
    const doc = yield* (yield* KnowledgeRepository).save(
      new KnowledgeDoc({
        id: newId<KnowledgeDocId>(),
        organizationId,
        title: "Notes on the lead",
        contentType: "text",
        text: `notes ${lead}`,
        sourceUrl: null,
        leadId: lead,
        contentHash: `hash-${lead}`,
        createdAt: at,
        updatedAt: at
      }),
      []
    )
    return { ada, bob, task, doc }
  })

/** LeadRepository.delete takes what belongs to the lead with it, on every adapter alike. */
export const leadRemovalContract = (it: Vitest.MethodsNonLive<LeadRemovalPorts>) => {
  describe("LeadRepository.delete", () => {
    it.effect(
      "removes the lead's contacts, activities, conversations and data sources; unlinks documents and tasks",
      () =>
        Effect.gen(function* () {
          const org = newId<OrganizationId>()
          const leadId = yield* storedLeadId(org)
          const keptId = yield* storedLeadId(org)
          const { ada, bob, doc, task } = yield* dependents(org, leadId)
          const kept = yield* dependents(org, keptId)

          const removal = yield* (yield* LeadRepository).delete(org, leadId)
          expect([...removal.contacts].map((c) => c.id).sort()).toEqual([ada.id, bob.id].sort())
          expect(removal.contacts.find((c) => c.id === ada.id)?.email).toBe(ada.email)
          expect(removal).toMatchObject({
            activities: 2,
            conversations: 1,
            dataSources: 1,
            knowledgeDocsUnlinked: 1,
            researchTasksUnlinked: 1
          })

          expect(yield* (yield* ContactRepository).findById(org, ada.id)).toEqual(Option.none())
          expect(yield* (yield* ContactRepository).findByEmail(org, ada.email!)).toEqual(Option.none())
          expect(yield* (yield* ActivityRepository).listByLead(org, leadId)).toEqual([])
          expect(yield* (yield* ConversationRepository).listByLead(org, leadId)).toEqual([])
          expect(yield* (yield* DataSourceRepository).listByLead(org, leadId)).toEqual([])
          // the task is history: it stays, unlinked, with its input as it was
          const unlinkedTask = yield* (yield* TaskQueue).get(org, task.id)
          expect(Option.map(unlinkedTask, (t) => [t.leadId, (t.input as { leadId: string }).leadId])).toEqual(
            Option.some([null, leadId])
          )
          const unlinked = yield* (yield* KnowledgeRepository).findById(org, doc.id)
          expect(Option.map(unlinked, (d) => d.leadId)).toEqual(Option.some(null))

          // the other lead keeps everything
          expect((yield* (yield* ContactRepository).listByLead(org, keptId)).length).toBe(2)
          expect((yield* (yield* ActivityRepository).listByLead(org, keptId)).length).toBe(2)
          expect((yield* (yield* ConversationRepository).listByLead(org, keptId)).length).toBe(1)
          expect((yield* (yield* DataSourceRepository).listByLead(org, keptId)).length).toBe(1)
          expect(Option.map(yield* (yield* TaskQueue).get(org, kept.task.id), (t) => t.leadId)).toEqual(
            Option.some(keptId)
          )
          const stillLinked = yield* (yield* KnowledgeRepository).findById(org, kept.doc.id)
          expect(Option.map(stillLinked, (d) => d.leadId)).toEqual(Option.some(keptId))

          const again = yield* Effect.flip((yield* LeadRepository).delete(org, leadId))
          expect(again._tag).toBe("LeadNotFound")
        })
    )

    it.effect("a lead of another organization is not found, and nothing of it goes", () =>
      Effect.gen(function* () {
        const org = newId<OrganizationId>()
        const leadId = yield* storedLeadId(org)
        const { ada } = yield* dependents(org, leadId)
        const error = yield* Effect.flip((yield* LeadRepository).delete(newId<OrganizationId>(), leadId))
        expect(error._tag).toBe("LeadNotFound")
        expect(Option.isSome(yield* (yield* ContactRepository).findById(org, ada.id))).toBe(true)
      })
    )

    it.effect("deleting a contact unlinks its activities and conversations", () =>
      Effect.gen(function* () {
        const org = newId<OrganizationId>()
        const leadId = yield* storedLeadId(org)
        const { ada } = yield* dependents(org, leadId)
        yield* (yield* ContactRepository).delete(org, ada.id)
        const threads = yield* (yield* ConversationRepository).listByLead(org, leadId)
        expect(threads.map((t) => t.contactId)).toEqual([null])
      })
    )
  })
}
