import type { Vitest } from "@effect/vitest"
import { describe, expect } from "@effect/vitest"
import {
  ActivityRepository,
  AuditLog,
  Contact,
  ContactRepository,
  Lead,
  type LeadId,
  LeadRepository,
  newId,
  Transactor
} from "@leadforge/domain"
import { Effect, Exit, Option } from "effect"
import { activity, contact, draft, lead, orgA, orgB, storedLeadId } from "./fixtures.js"

export type Ports = LeadRepository | ContactRepository | ActivityRepository | AuditLog | Transactor

/** The contract every adapter of these ports must keep; `it` comes from `it.layer(adapterLayer)`. */
export const persistenceContract = (it: Vitest.MethodsNonLive<Ports>) => {
  describe("ContactRepository", () => {
    it.effect("inserts, finds, updates and deletes", () =>
      Effect.gen(function* () {
        const repo = yield* ContactRepository
        const c = contact(orgA, yield* storedLeadId(orgA))
        yield* repo.insert(c)
        const found = yield* repo.findById(orgA, c.id)
        expect(Option.map(found, (x) => x.email)).toEqual(Option.some(c.email))
        expect(Option.isSome(yield* repo.findByEmail(orgA, c.email!.toUpperCase()))).toBe(true)
        const updated = yield* repo.update(new Contact({ ...c, jobTitle: "CEO", version: 2 }))
        expect(updated.version).toBe(2)
        expect(Option.map(yield* repo.findById(orgA, c.id), (x) => x.jobTitle)).toEqual(Option.some("CEO"))
        yield* repo.delete(orgA, c.id)
        expect(yield* repo.findById(orgA, c.id)).toEqual(Option.none())
        const missing = yield* Effect.flip(repo.delete(orgA, c.id))
        expect(missing._tag).toBe("ContactNotFound")
      })
    )

    it.effect("a stale version is a VersionConflict", () =>
      Effect.gen(function* () {
        const repo = yield* ContactRepository
        const c = yield* repo.insert(contact(orgA, yield* storedLeadId(orgA)))
        const error = yield* Effect.flip(repo.update(new Contact({ ...c, version: 5 })))
        expect(error._tag).toBe("VersionConflict")
      })
    )

    it.effect("a duplicate email (any case) names the existing contact", () =>
      Effect.gen(function* () {
        const repo = yield* ContactRepository
        const first = yield* repo.insert(contact(orgA, yield* storedLeadId(orgA)))
        const error = yield* Effect.flip(
          repo.insert(contact(orgA, yield* storedLeadId(orgA), { email: first.email!.toUpperCase() }))
        )
        expect(error).toMatchObject({ _tag: "DuplicateContact", existingContactId: first.id })
        // the same email in another organization is fine
        yield* repo.insert(contact(orgB, yield* storedLeadId(orgB), { email: first.email }))
      })
    )

    it.effect("lists and reassigns by lead", () =>
      Effect.gen(function* () {
        const repo = yield* ContactRepository
        const from = yield* storedLeadId(orgA)
        const to = yield* storedLeadId(orgA)
        yield* repo.insert(contact(orgA, from))
        yield* repo.insert(contact(orgA, from))
        expect((yield* repo.listByLead(orgA, from)).length).toBe(2)
        expect(yield* repo.reassignLead(orgA, from, to)).toBe(2)
        expect((yield* repo.listByLead(orgA, to)).length).toBe(2)
        expect(yield* repo.listByLead(orgA, from)).toEqual([])
      })
    )

    it.effect("never returns another organization's contacts", () =>
      Effect.gen(function* () {
        const repo = yield* ContactRepository
        const leadId = yield* storedLeadId(orgA)
        const c = yield* repo.insert(contact(orgA, leadId))
        expect(yield* repo.findById(orgB, c.id)).toEqual(Option.none())
        expect(yield* repo.findByEmail(orgB, c.email!)).toEqual(Option.none())
        expect(yield* repo.listByLead(orgB, leadId)).toEqual([])
        expect(yield* repo.reassignLead(orgB, leadId, newId<LeadId>())).toBe(0)
        expect((yield* Effect.flip(repo.delete(orgB, c.id)))._tag).toBe("ContactNotFound")
      })
    )
  })

  describe("ActivityRepository", () => {
    it.effect("lists newest first, reassigns, and stays in its organization", () =>
      Effect.gen(function* () {
        const repo = yield* ActivityRepository
        const leadId = yield* storedLeadId(orgA)
        const older = yield* repo.insert(activity(orgA, leadId, new Date("2026-01-01T00:00:00Z")))
        const newer = yield* repo.insert(activity(orgA, leadId, new Date("2026-02-01T00:00:00Z")))
        expect((yield* repo.listByLead(orgA, leadId)).map((a) => a.id)).toEqual([newer.id, older.id])
        expect(yield* repo.listByLead(orgB, leadId)).toEqual([])
        expect(yield* repo.reassignLead(orgB, leadId, newId<LeadId>())).toBe(0)
        const to = yield* storedLeadId(orgA)
        expect(yield* repo.reassignLead(orgA, leadId, to)).toBe(2)
        expect((yield* repo.listByLead(orgA, to)).length).toBe(2)
      })
    )
  })

  describe("AuditLog", () => {
    it.effect("chains appends per organization and pages oldest first", () =>
      Effect.gen(function* () {
        const log = yield* AuditLog
        const org = newId<typeof orgA>()
        const other = newId<typeof orgA>()
        const events = yield* Effect.forEach([1, 2, 3], (n) => log.append(draft(org, `e${n}`)), { concurrency: 3 })
        yield* log.append(draft(other, "x"))
        const chain = yield* log.chain(org)
        expect(chain.map((e) => e.sequence)).toEqual([1, 2, 3])
        expect(chain[1]!.prevHash).toBe(chain[0]!.hash)
        expect(chain[2]!.prevHash).toBe(chain[1]!.hash)
        expect(new Set(events.map((e) => e.id)).size).toBe(3)
        const first = yield* log.list(org, { limit: 2 })
        expect(first.items.map((e) => e.sequence)).toEqual([1, 2])
        const second = yield* log.list(org, { limit: 2, cursor: first.nextCursor! })
        expect(second.items.map((e) => e.sequence)).toEqual([3])
        expect(second.nextCursor).toBeNull()
        expect((yield* log.list(org, { entityId: "e2" })).items.map((e) => e.entityId)).toEqual(["e2"])
        // tenancy
        expect((yield* log.chain(other)).map((e) => e.entityId)).toEqual(["x"])
        expect((yield* log.list(other, {})).items.map((e) => e.entityId)).toEqual(["x"])
      })
    )
  })

  describe("Transactor", () => {
    it.effect("rolls back every write when the transaction fails", () =>
      Effect.gen(function* () {
        const tx = yield* Transactor
        const contacts = yield* ContactRepository
        const log = yield* AuditLog
        const org = newId<typeof orgA>()
        const c = contact(org, yield* storedLeadId(org))
        const exit = yield* Effect.exit(
          tx.withTransaction(
            Effect.gen(function* () {
              yield* contacts.insert(c)
              yield* log.append(draft(org, c.id))
              return yield* Effect.fail("boom" as const)
            })
          )
        )
        expect(Exit.isFailure(exit)).toBe(true)
        expect(yield* contacts.findById(org, c.id)).toEqual(Option.none())
        expect(yield* log.chain(org)).toEqual([])
        yield* tx.withTransaction(Effect.zip(contacts.insert(c), log.append(draft(org, c.id))))
        expect(Option.isSome(yield* contacts.findById(org, c.id))).toBe(true)
        expect((yield* log.chain(org)).length).toBe(1)
      })
    )
  })

  describe("LeadRepository", () => {
    it.effect("inserts, finds, updates, conflicts and deletes", () =>
      Effect.gen(function* () {
        const repo = yield* LeadRepository
        const l = yield* repo.insert(lead(orgA))
        expect(Option.map(yield* repo.findById(orgA, l.id), (x) => x.companyName)).toEqual(Option.some(l.companyName))
        expect((yield* repo.findByIds(orgA, [l.id])).map((x) => x.id)).toEqual([l.id])
        const dup = yield* Effect.flip(repo.insert(lead(orgA, { domain: l.domain })))
        expect(dup).toMatchObject({ _tag: "DuplicateLead", existingLeadId: l.id })
        const next = new Lead({ ...l, leadScore: 90, version: 2 })
        yield* repo.update(next)
        const stale = yield* Effect.flip(repo.update(next))
        expect(stale._tag).toBe("VersionConflict")
        yield* repo.delete(orgA, l.id)
        expect(yield* repo.findById(orgA, l.id)).toEqual(Option.none())
      })
    )

    it.effect("pages by score with filters and stays in its organization", () =>
      Effect.gen(function* () {
        const repo = yield* LeadRepository
        const org = newId<typeof orgA>()
        for (const score of [10, 20, 30, 40, 50]) yield* repo.insert(lead(org, { leadScore: score, tags: ["x"] }))
        yield* repo.insert(lead(orgB, { leadScore: 99 }))
        const page1 = yield* repo.list(org, { limit: 2 })
        expect(page1.items.map((x) => x.leadScore)).toEqual([50, 40])
        const page2 = yield* repo.list(org, { limit: 2, cursor: page1.nextCursor! })
        expect(page2.items.map((x) => x.leadScore)).toEqual([30, 20])
        expect((yield* repo.list(org, { minScore: 25, tag: "x" })).items.length).toBe(3)
        const other = yield* repo.list(orgB, {})
        expect(other.items.every((x) => x.organizationId === orgB)).toBe(true)
        const [first] = page1.items
        expect(yield* repo.findById(orgB, first!.id)).toEqual(Option.none())
        expect(yield* repo.findByIds(orgB, [first!.id])).toEqual([])
      })
    )
  })
}
