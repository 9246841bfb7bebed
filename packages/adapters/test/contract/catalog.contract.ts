import type { Vitest } from "@effect/vitest"
import { describe, expect } from "@effect/vitest"
import {
  Campaign,
  type CampaignId,
  CampaignRepository,
  newId,
  type OrganizationId,
  Product,
  type ProductId,
  ProductRepository
} from "@leadforge/domain"
import { Effect, Option } from "effect"
import { orgB } from "./fixtures.js"

export type CatalogPorts = ProductRepository | CampaignRepository

const product = (organizationId: OrganizationId, name: string, createdAt: Date) =>
  new Product({
    id: newId<ProductId>(),
    organizationId,
    name,
    description: null,
    category: "software",
    createdAt,
    updatedAt: createdAt,
    version: 1
  })

const campaign = (organizationId: OrganizationId, name: string) =>
  new Campaign({
    id: newId<CampaignId>(),
    organizationId,
    name,
    status: "draft",
    budget: null,
    startsAt: null,
    endsAt: null,
    createdAt: new Date("2026-01-01T00:00:00.000Z"),
    updatedAt: new Date("2026-01-01T00:00:00.000Z"),
    version: 1
  })

export const catalogContract = (it: Vitest.MethodsNonLive<CatalogPorts>) => {
  describe("catalog names are unique per organization, ignoring case", () => {
    it.effect("ProductRepository: insert and rename conflict name the existing product", () =>
      Effect.gen(function* () {
        const repo = yield* ProductRepository
        const org = newId<OrganizationId>()
        const at = new Date("2026-01-01T00:00:00.000Z")
        const first = yield* repo.insert(product(org, "Lead Scoring", at))
        const clash = yield* Effect.flip(repo.insert(product(org, "LEAD scoring", at)))
        expect(clash).toMatchObject({ _tag: "UniqueConflict", entity: "product", field: "name", existingId: first.id })
        // the same name in another organization is another product
        yield* repo.insert(product(orgB, "Lead Scoring", at))
        const second = yield* repo.insert(product(org, "Enrichment", at))
        const rename = yield* Effect.flip(repo.update(new Product({ ...second, name: "lead Scoring", version: 2 })))
        expect(rename).toMatchObject({ _tag: "UniqueConflict", field: "name", existingId: first.id })
        // changing only the case of its own name is not a conflict
        const recased = yield* repo.update(new Product({ ...first, name: "LEAD SCORING", version: 2 }))
        expect(recased.name).toBe("LEAD SCORING")
        expect((yield* Effect.flip(repo.insert(first)))._tag).toBe("UniqueConflict")
        expect((yield* repo.list(org, {})).items.map((p) => p.name).sort()).toEqual(["Enrichment", "LEAD SCORING"])
      })
    )

    it.effect("CampaignRepository: insert and rename conflict name the existing campaign", () =>
      Effect.gen(function* () {
        const repo = yield* CampaignRepository
        const org = newId<OrganizationId>()
        const spring = yield* repo.insert(campaign(org, "Spring Launch"))
        const clash = yield* Effect.flip(repo.insert(campaign(org, "spring launch")))
        expect(clash).toMatchObject({
          _tag: "UniqueConflict",
          entity: "campaign",
          field: "name",
          existingId: spring.id
        })
        yield* repo.insert(campaign(orgB, "Spring Launch"))
        const autumn = yield* repo.insert(campaign(org, "Autumn"))
        const rename = yield* Effect.flip(repo.update(new Campaign({ ...autumn, name: "SPRING LAUNCH", version: 2 })))
        expect(rename).toMatchObject({ _tag: "UniqueConflict", field: "name", existingId: spring.id })
        expect(Option.map(yield* repo.findById(org, autumn.id), (c) => c.name)).toEqual(Option.some("Autumn"))
      })
    )
  })

  describe("ProductRepository (the CrudRepository shape)", () => {
    it.effect("inserts, updates with versions, pages newest first, deletes, within the organization", () =>
      Effect.gen(function* () {
        const repo = yield* ProductRepository
        const org = newId<OrganizationId>()
        const items = yield* Effect.forEach([1, 2, 3], (n) =>
          repo.insert(product(org, `P${n}`, new Date(`2026-01-0${n}T00:00:00.000Z`)))
        )
        const [p1, , p3] = items
        const updated = yield* repo.update(new Product({ ...p1!, description: "better", version: 2 }))
        expect(Option.map(yield* repo.findById(org, p1!.id), (p) => p.description)).toEqual(Option.some("better"))
        const stale = yield* Effect.flip(repo.update(updated))
        expect(stale._tag).toBe("VersionConflict")
        const page1 = yield* repo.list(org, { limit: 2 })
        expect(page1.items.map((p) => p.name)).toEqual(["P3", "P2"])
        const page2 = yield* repo.list(org, { limit: 2, cursor: page1.nextCursor! })
        expect(page2.items.map((p) => p.name)).toEqual(["P1"])
        expect(page2.nextCursor).toBeNull()
        expect(yield* repo.findById(orgB, p3!.id)).toEqual(Option.none())
        expect((yield* repo.list(orgB, {})).items.some((p) => p.organizationId === org)).toBe(false)
        expect((yield* Effect.flip(repo.delete(orgB, p3!.id)))._tag).toBe("EntityNotFound")
        yield* repo.delete(org, p3!.id)
        expect(yield* repo.findById(org, p3!.id)).toEqual(Option.none())
      })
    )
  })
}
