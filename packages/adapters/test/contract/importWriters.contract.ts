import type { Vitest } from "@effect/vitest"
import { describe, expect } from "@effect/vitest"
import {
  ContactImportWriter,
  ContactRepository,
  Lead,
  LeadImportWriter,
  LeadRepository,
  leadIdentity,
  newId,
  type OrganizationId
} from "@leadforge/domain"
import { Data, Effect, Option } from "effect"
import { contact, lead } from "./fixtures.js"

export type ImportWriterPorts = LeadImportWriter | ContactImportWriter | LeadRepository | ContactRepository

const keyOf = (l: Lead) => leadIdentity(l)!.key
const score = { score: 77, grade: "B" as const }

class PlanFailed extends Data.TaggedError("PlanFailed") {}

/**
 * A plan as the lead import makes one: new identities are inserted, stored ones updated with the batch's employee
 * count (a new version, the row's own status and creation date, which the writer must not take).
 */
const planOf =
  (batch: ReadonlyArray<Lead>, seen: Array<ReadonlyMap<string, Lead>> = []) =>
  (stored: ReadonlyMap<string, Lead>) =>
    Effect.sync(() => {
      seen.push(stored)
      const inserts: Array<LeadImportWriter.Row> = []
      const updates: Array<LeadImportWriter.Row> = []
      for (const row of batch) {
        const existing = stored.get(keyOf(row))
        if (existing === undefined) inserts.push({ lead: row, identityKey: keyOf(row), score })
        else {
          const merged = new Lead({
            ...row,
            id: newId(),
            status: "won",
            createdAt: new Date("2030-01-01T00:00:00.000Z"),
            version: existing.version + 1
          })
          updates.push({ lead: merged, identityKey: keyOf(row), score })
        }
      }
      return { inserts, updates, result: { inserted: inserts.length, updated: updates.length } }
    })

export const importWritersContract = (it: Vitest.MethodsNonLive<ImportWriterPorts>) => {
  describe("LeadImportWriter", () => {
    it.effect("inserts new leads with the batch's score and upserts stored ones by identity", () =>
      Effect.gen(function* () {
        const writer = yield* LeadImportWriter
        const leads = yield* LeadRepository
        const org = newId<OrganizationId>()
        const first = lead(org, { status: "qualified" })
        const second = lead(org)
        const seen: Array<ReadonlyMap<string, Lead>> = []
        const inserted = yield* writer.writeBatch(org, [keyOf(first), keyOf(second)], planOf([first, second], seen), {
          dryRun: false
        })
        expect(inserted).toEqual({ inserted: 2, updated: 0 })
        expect(seen[0]?.size).toBe(0)
        const stored = yield* leads.findByIdentity(org, keyOf(first))
        expect(Option.map(stored, (l) => [l.id, l.leadScore, l.grade, l.status])).toEqual(
          Option.some([first.id, 77, "B", "qualified"])
        )

        // the second import of the same company: the plan sees the stored lead, keyed by identity
        const newer = new Lead({ ...first, employeeCount: 500, status: "new" })
        const updated = yield* writer.writeBatch(org, [keyOf(newer)], planOf([newer], seen), { dryRun: false })
        expect(updated).toEqual({ inserted: 0, updated: 1 })
        expect(seen[1]?.get(keyOf(first))?.id).toBe(first.id)
        const after = yield* leads.findById(org, first.id)
        // imported fields change; id, status and creation stay those of the stored lead
        expect(Option.map(after, (l) => [l.employeeCount, l.status, l.createdAt.toISOString(), l.version])).toEqual(
          Option.some([500, "qualified", first.createdAt.toISOString(), 2])
        )
        expect((yield* leads.list(org, {})).items).toHaveLength(2)
      })
    )

    it.effect("a dry run plans against the stored leads and writes nothing", () =>
      Effect.gen(function* () {
        const writer = yield* LeadImportWriter
        const leads = yield* LeadRepository
        const org = newId<OrganizationId>()
        const stored = yield* leads.insert(lead(org))
        const fresh = lead(org)
        const result = yield* writer.writeBatch(
          org,
          [keyOf(stored), keyOf(fresh)],
          planOf([new Lead({ ...stored, employeeCount: 9 }), fresh]),
          { dryRun: true }
        )
        expect(result).toEqual({ inserted: 1, updated: 1 })
        expect(Option.map(yield* leads.findById(org, stored.id), (l) => l.employeeCount)).toEqual(
          Option.some(stored.employeeCount)
        )
        expect(yield* leads.findByIdentity(org, keyOf(fresh))).toEqual(Option.none())
      })
    )

    it.effect("a failing plan writes nothing and its error comes back", () =>
      Effect.gen(function* () {
        const writer = yield* LeadImportWriter
        const leads = yield* LeadRepository
        const org = newId<OrganizationId>()
        const fresh = lead(org)
        const error = yield* Effect.flip(
          writer.writeBatch(org, [keyOf(fresh)], () => new PlanFailed(), { dryRun: false })
        )
        expect(error._tag).toBe("PlanFailed")
        expect(yield* leads.findByIdentity(org, keyOf(fresh))).toEqual(Option.none())
      })
    )

    it.effect("sees only the organization's own leads; no identities plans against none", () =>
      Effect.gen(function* () {
        const writer = yield* LeadImportWriter
        const leads = yield* LeadRepository
        const org = newId<OrganizationId>()
        const other = newId<OrganizationId>()
        const theirs = yield* leads.insert(lead(other))
        const seen: Array<ReadonlyMap<string, Lead>> = []
        const mine = new Lead({ ...lead(org), domain: theirs.domain })
        yield* writer.writeBatch(org, [keyOf(mine)], planOf([mine], seen), { dryRun: false })
        expect(seen[0]?.size).toBe(0)
        expect(Option.map(yield* leads.findByIdentity(org, keyOf(mine)), (l) => l.id)).toEqual(Option.some(mine.id))
        expect(Option.map(yield* leads.findById(other, theirs.id), (l) => l.organizationId)).toEqual(Option.some(other))
        const empty = yield* writer.writeBatch(org, [], planOf([], seen), { dryRun: false })
        expect(empty).toEqual({ inserted: 0, updated: 0 })
        expect(seen[1]?.size).toBe(0)
        yield* writer.analyze("lookup")
        yield* writer.analyze("all")
      })
    )
  })

  describe("ContactImportWriter", () => {
    it.effect("finds leads by identity and contacts by lower-cased email, in one organization", () =>
      Effect.gen(function* () {
        const writer = yield* ContactImportWriter
        const leads = yield* LeadRepository
        const contacts = yield* ContactRepository
        const org = newId<OrganizationId>()
        const other = newId<OrganizationId>()
        const company = yield* leads.insert(lead(org))
        const elsewhere = yield* leads.insert(lead(other))
        const found = yield* writer.leadsByIdentity(org, [keyOf(company), keyOf(elsewhere), "domain:absent.example"])
        expect([...found.entries()].map(([key, l]) => [key, l.id])).toEqual([[keyOf(company), company.id]])
        expect((yield* writer.leadsByIdentity(org, [])).size).toBe(0)

        const ada = yield* contacts.insert(contact(org, company.id, { email: "Ada.Mixed@Example.com" }))
        yield* contacts.insert(contact(other, elsewhere.id, { email: "ada.mixed@example.com" }))
        const byEmail = yield* writer.contactsByEmail(org, ["ada.mixed@example.com", "nobody@example.com"])
        expect([...byEmail.entries()].map(([email, c]) => [email, c.id])).toEqual([["ada.mixed@example.com", ada.id]])
        expect((yield* writer.contactsByEmail(org, [])).size).toBe(0)
      })
    )

    it.effect("inserts all contacts at once; a duplicate email fails the whole insert", () =>
      Effect.gen(function* () {
        const writer = yield* ContactImportWriter
        const leads = yield* LeadRepository
        const contacts = yield* ContactRepository
        const org = newId<OrganizationId>()
        const company = yield* leads.insert(lead(org))
        const batch = [contact(org, company.id), contact(org, company.id)]
        yield* writer.insertAll(batch)
        yield* writer.insertAll([])
        expect((yield* contacts.listByLead(org, company.id)).map((c) => c.id).sort()).toEqual(
          batch.map((c) => c.id).sort()
        )
        const fresh = contact(org, company.id)
        const clash = contact(org, company.id, { email: batch[0]!.email!.toUpperCase() })
        const exit = yield* Effect.exit(writer.insertAll([fresh, clash]))
        expect(exit._tag).toBe("Failure")
        expect(yield* contacts.findById(org, fresh.id)).toEqual(Option.none())
        yield* writer.analyze
      })
    )
  })
}
