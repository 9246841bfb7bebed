import type { Vitest } from "@effect/vitest"
import { describe, expect } from "@effect/vitest"
import { ContactRepository, LeadRepository, newId, type OrganizationId } from "@leadforge/domain"
import { Effect } from "effect"
import { contact, lead } from "./fixtures.js"

export type ContactDirectoryPorts = ContactRepository | LeadRepository

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute))

/** The organization-wide contact list and search, the same on every adapter. */
export const contactDirectoryContract = (it: Vitest.MethodsNonLive<ContactDirectoryPorts>) => {
  describe("ContactRepository.list and search", () => {
    it.effect("lists newest first by keyset, filtered, within the organization", () =>
      Effect.gen(function* () {
        const org = newId<OrganizationId>()
        const leads = yield* LeadRepository
        const contacts = yield* ContactRepository
        const acme = yield* leads.insert(lead(org))
        const globex = yield* leads.insert(lead(org))
        const made = []
        for (let i = 0; i < 5; i++) {
          made.push(
            yield* contacts.insert(
              contact(org, i < 3 ? acme.id : globex.id, {
                createdAt: at(i),
                updatedAt: at(i),
                emailStatus: i % 2 === 0 ? "valid" : "risky",
                seniority: i === 4 ? "vp" : "manager",
                department: i === 4 ? "sales" : "engineering",
                source: i === 1 ? "import" : "manual"
              })
            )
          )
        }
        // the same minute twice: the id breaks the tie, and pages neither skip nor repeat
        made.push(yield* contacts.insert(contact(org, globex.id, { createdAt: at(4), updatedAt: at(4) })))
        yield* contacts.insert(contact(newId<OrganizationId>(), acme.id))

        const seen: Array<string> = []
        let cursor: string | undefined
        do {
          const page = yield* contacts.list(org, { limit: 2, ...(cursor === undefined ? {} : { cursor }) })
          seen.push(...page.items.map((c) => c.id))
          cursor = page.nextCursor ?? undefined
        } while (cursor !== undefined)
        expect(seen).toHaveLength(6)
        expect(new Set(seen).size).toBe(6)
        const order = [...made].sort(
          (a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)
        )
        expect(seen).toEqual(order.map((c) => c.id))

        const ids = (query: Parameters<typeof contacts.list>[1]) =>
          contacts.list(org, query).pipe(Effect.map((page) => page.items.map((c) => c.id).sort()))
        expect(yield* ids({ leadId: acme.id })).toEqual(
          made
            .slice(0, 3)
            .map((c) => c.id)
            .sort()
        )
        expect(yield* ids({ emailStatus: "risky" })).toEqual([made[1]!.id, made[3]!.id].sort())
        expect(yield* ids({ seniority: "vp", department: "sales" })).toEqual([made[4]!.id])
        expect(yield* ids({ source: "import" })).toEqual([made[1]!.id])
        const bad = yield* Effect.flip(contacts.list(org, { cursor: "not-a-cursor" }))
        expect(bad._tag).toBe("ValidationFailed")
      })
    )

    it.effect("searches name, email, title and company by word prefixes, best first, within the organization", () =>
      Effect.gen(function* () {
        const org = newId<OrganizationId>()
        const leads = yield* LeadRepository
        const contacts = yield* ContactRepository
        const acme = yield* leads.insert(lead(org, { companyName: "Acme Robotics", domain: "acme-robotics.com" }))
        const other = yield* leads.insert(lead(org, { companyName: "Initech", domain: "initech.com" }))
        const ada = yield* contacts.insert(
          contact(org, acme.id, {
            firstName: "Ada",
            lastName: "Lovelace",
            email: "ada.lovelace@acme-robotics.com",
            jobTitle: "CTO"
          })
        )
        const grace = yield* contacts.insert(
          contact(org, other.id, {
            firstName: "Grace",
            lastName: "Hopper",
            email: "grace@initech.com",
            jobTitle: "Robotics Engineer"
          })
        )
        const bob = yield* contacts.insert(
          contact(org, acme.id, {
            firstName: "Bob",
            lastName: "Roberts",
            email: "bob@acme-robotics.com",
            jobTitle: "Sales"
          })
        )
        yield* contacts.insert(
          contact(newId<OrganizationId>(), acme.id, {
            firstName: "Ada",
            lastName: "Elsewhere",
            email: "ada@else.example"
          })
        )

        const found = (q: string) =>
          contacts.search(org, q, { limit: 10 }).pipe(Effect.map((hits) => hits.map((h) => h.contact.id)))
        expect(yield* found("lovel")).toEqual([ada.id]) // a name prefix
        expect(yield* found("Ada LOVELACE")).toEqual([ada.id]) // every word, any case
        expect(yield* found("lovelace@acme")).toEqual([ada.id]) // an email's parts
        expect(yield* found("hopper engineer")).toEqual([grace.id]) // name and title together
        expect(yield* found("ada initech")).toEqual([]) // every word must match
        // the company's name finds its contacts (and their emails at its domain)
        expect((yield* found("acme")).sort()).toEqual([ada.id, bob.id].sort())
        expect(yield* found("robert")).toEqual([bob.id])
        // a match in the name ranks above one in the email or the company
        const carl = yield* contacts.insert(
          contact(org, other.id, { firstName: "Carl", lastName: "Acme", email: "carl@initech.com", jobTitle: null })
        )
        const ranked = yield* contacts.search(org, "acme", { limit: 10 })
        expect(ranked[0]!.contact.id).toBe(carl.id)
        expect(ranked.map((h) => h.contact.id).sort()).toEqual([ada.id, bob.id, carl.id].sort())
        expect(ranked.map((h) => h.rank)).toEqual([1, 2, 3])
        expect(ranked[0]!.score).toBeGreaterThan(ranked[1]!.score)
        expect(yield* found("zzz")).toEqual([])
        expect((yield* contacts.search(org, "acme", { limit: 1 })).length).toBe(1)
      })
    )
  })
}
