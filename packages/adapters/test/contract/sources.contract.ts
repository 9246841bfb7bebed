import type { Vitest } from "@effect/vitest"
import { describe, expect } from "@effect/vitest"
import {
  Conversation,
  type ConversationId,
  ConversationMessage,
  ConversationRepository,
  DataSource,
  type DataSourceId,
  DataSourceRepository,
  type LeadRepository,
  newId
} from "@leadforge/domain"
import { Effect, Option } from "effect"
import { orgA, orgB, storedLeadId } from "./fixtures.js"

export type SourcePorts = ConversationRepository | DataSourceRepository | LeadRepository

const at = new Date("2026-01-01T00:00:00.000Z")

export const sourcesContract = (it: Vitest.MethodsNonLive<SourcePorts>) => {
  describe("ConversationRepository, DataSourceRepository", () => {
    it.effect("stores threads and appends messages, within the organization", () =>
      Effect.gen(function* () {
        const repo = yield* ConversationRepository
        const leadId = yield* storedLeadId(orgA)
        const thread = yield* repo.insert(
          new Conversation({
            id: newId<ConversationId>(),
            organizationId: orgA,
            leadId,
            contactId: null,
            subject: "Hello",
            messages: [],
            createdAt: at,
            updatedAt: at
          })
        )
        const message = new ConversationMessage({
          direction: "outbound",
          from: "me@example.com",
          to: ["ada@example.com"],
          sentAt: new Date("2026-01-02T00:00:00.000Z"),
          body: "Hi"
        })
        const updated = yield* repo.appendMessage(orgA, thread.id, message)
        expect(updated.messages.map((m) => m.body)).toEqual(["Hi"])
        expect(Option.map(yield* repo.findById(orgA, thread.id), (c) => c.messages.length)).toEqual(Option.some(1))
        expect((yield* repo.listByLead(orgA, leadId)).map((c) => c.id)).toEqual([thread.id])
        expect(yield* repo.findById(orgB, thread.id)).toEqual(Option.none())
        expect(yield* repo.listByLead(orgB, leadId)).toEqual([])
        expect((yield* Effect.flip(repo.appendMessage(orgB, thread.id, message)))._tag).toBe("EntityNotFound")
      })
    )

    it.effect("stores data sources, within the organization", () =>
      Effect.gen(function* () {
        const repo = yield* DataSourceRepository
        const leadId = yield* storedLeadId(orgA)
        const source = yield* repo.insert(
          new DataSource({
            id: newId<DataSourceId>(),
            organizationId: orgA,
            leadId,
            type: "website",
            url: "https://example.com",
            rawPayload: { title: "Example" },
            confidence: 70,
            fetchedAt: at,
            createdAt: at
          })
        )
        const found = yield* repo.findById(orgA, source.id)
        expect(Option.map(found, (s) => s.rawPayload)).toEqual(Option.some({ title: "Example" }))
        expect((yield* repo.listByLead(orgA, leadId)).map((s) => s.id)).toEqual([source.id])
        expect(yield* repo.findById(orgB, source.id)).toEqual(Option.none())
        expect(yield* repo.listByLead(orgB, leadId)).toEqual([])
      })
    )

    it.effect("updates a data source in place, only within its organization", () =>
      Effect.gen(function* () {
        const repo = yield* DataSourceRepository
        const leadId = yield* storedLeadId(orgA)
        const source = yield* repo.insert(
          new DataSource({
            id: newId<DataSourceId>(),
            organizationId: orgA,
            leadId,
            type: "website",
            url: "https://example.com/about",
            rawPayload: { contentHash: "a" },
            confidence: 60,
            fetchedAt: at,
            createdAt: at
          })
        )
        const later = new Date(at.getTime() + 60_000)
        yield* repo.update(new DataSource({ ...source, rawPayload: { contentHash: "b" }, fetchedAt: later }))
        yield* repo.update(new DataSource({ ...source, organizationId: orgB, rawPayload: { contentHash: "evil" } }))
        const [stored, ...rest] = yield* repo.listByLead(orgA, leadId)
        expect(rest).toEqual([])
        expect([stored?.rawPayload, stored?.fetchedAt.getTime()]).toEqual([{ contentHash: "b" }, later.getTime()])
      })
    )
  })
}
