import type { Vitest } from "@effect/vitest"
import { describe, expect } from "@effect/vitest"
import {
  ActivityRepository,
  ContactRepository,
  contactExportColumns,
  ExportReader,
  LeadRepository,
  Location,
  leadExportColumns,
  newId,
  type OrganizationId
} from "@leadforge/domain"
import { Chunk, Effect, Stream } from "effect"
import { activity, contact, lead } from "./fixtures.js"

export type ExportPorts = ExportReader | LeadRepository | ContactRepository | ActivityRepository

const collect = <A, E>(stream: Stream.Stream<A, E>) => Effect.map(Stream.runCollect(stream), Chunk.toReadonlyArray)

/** The contract of every ExportReader (and the activity count seeding relies on). */
export const exportContract = (it: Vitest.MethodsNonLive<ExportPorts>) => {
  describe("ExportReader", () => {
    it.effect("streams the organization's matching leads by id, as records with the export's columns", () =>
      Effect.gen(function* () {
        const org = newId<OrganizationId>()
        const leads = yield* LeadRepository
        const a = yield* leads.insert(
          lead(org, {
            status: "qualified",
            leadScore: 80,
            grade: "A",
            location: new Location({ country: "DE", city: "Berlin" }),
            tags: ["ai", "b2b"]
          })
        )
        const b = yield* leads.insert(lead(org, { industry: "retail", leadScore: 20 }))
        yield* leads.insert(lead(newId<OrganizationId>()))
        const reader = yield* ExportReader
        const all = yield* collect(reader.leads(org, {}))
        expect(all.map((r) => r.id)).toEqual([a.id, b.id].sort())
        for (const record of all) expect(Object.keys(record)).toEqual([...leadExportColumns])
        const first = all.find((r) => r.id === a.id)
        expect(first).toMatchObject({
          company_name: a.companyName,
          domain: a.domain,
          country: "DE",
          city: "Berlin",
          region: null,
          tags: ["ai", "b2b"],
          lead_score: 80,
          grade: "A",
          status: "qualified",
          created_at: a.createdAt.toISOString()
        })
        expect((yield* collect(reader.leads(org, { status: "qualified" }))).map((r) => r.id)).toEqual([a.id])
        expect((yield* collect(reader.leads(org, { industry: "retail" }))).map((r) => r.id)).toEqual([b.id])
        expect((yield* collect(reader.leads(org, { country: "DE" }))).map((r) => r.id)).toEqual([a.id])
        expect((yield* collect(reader.leads(org, { minScore: 50 }))).map((r) => r.id)).toEqual([a.id])
      })
    )

    it.effect("streams the contacts of the matching leads with their lead's domain and name", () =>
      Effect.gen(function* () {
        const org = newId<OrganizationId>()
        const leads = yield* LeadRepository
        const contacts = yield* ContactRepository
        const won = yield* leads.insert(lead(org, { status: "won" }))
        const open = yield* leads.insert(lead(org))
        const c1 = yield* contacts.insert(contact(org, won.id))
        const c2 = yield* contacts.insert(contact(org, open.id))
        const other = newId<OrganizationId>()
        yield* contacts.insert(contact(other, (yield* leads.insert(lead(other))).id))
        const reader = yield* ExportReader
        const all = yield* collect(reader.contacts(org, {}))
        expect(all.map((r) => r.id)).toEqual([c1.id, c2.id].sort())
        for (const record of all) expect(Object.keys(record)).toEqual([...contactExportColumns])
        const onWon = yield* collect(reader.contacts(org, { status: "won" }))
        expect(onWon).toEqual([
          {
            first_name: c1.firstName,
            last_name: c1.lastName,
            email: c1.email,
            job_title: c1.jobTitle,
            phone: c1.phone,
            linkedin_url: c1.linkedinUrl,
            company_domain: won.domain,
            company_name: won.companyName,
            email_status: c1.emailStatus,
            seniority: c1.seniority,
            department: c1.department,
            id: c1.id,
            created_at: c1.createdAt.toISOString()
          }
        ])
      })
    )
  })

  describe("ActivityRepository.countByOrganization", () => {
    it.effect("counts one organization's activities only", () =>
      Effect.gen(function* () {
        const org = newId<OrganizationId>()
        const repo = yield* ActivityRepository
        expect(yield* repo.countByOrganization(org)).toBe(0)
        const l = (yield* (yield* LeadRepository).insert(lead(org))).id
        yield* repo.insert(activity(org, l, new Date("2026-01-01T00:00:00Z")))
        yield* repo.insert(activity(org, l, new Date("2026-01-02T00:00:00Z")))
        yield* repo.insert(activity(newId<OrganizationId>(), l, new Date("2026-01-02T00:00:00Z")))
        expect(yield* repo.countByOrganization(org)).toBe(2)
      })
    )
  })
}
