import { describe, expect, it } from "@effect/vitest"
import {
  DEFAULT_ORGANIZATION_NAME,
  newId,
  Organization,
  type OrganizationId,
  OrganizationRepository,
  resolveOrganization
} from "@leadforge/domain"
import { Effect, Option } from "effect"
import { freshLayer } from "./support.js"

describe("resolveOrganization", () => {
  it.effect("creates the default organization on an empty store, then finds it as the only one", () =>
    Effect.gen(function* () {
      const created = yield* resolveOrganization(Option.none())
      expect(created.name).toBe(DEFAULT_ORGANIZATION_NAME)
      expect((yield* resolveOrganization(Option.none())).id).toBe(created.id)
      expect((yield* resolveOrganization(Option.some(created.id))).id).toBe(created.id)
      expect(yield* (yield* OrganizationRepository).count).toBe(1)
    }).pipe(Effect.provide(freshLayer()))
  )

  it.effect("an unknown id is OrganizationNotFound; several without a choice is OrganizationRequired naming them", () =>
    Effect.gen(function* () {
      const unknown = newId<OrganizationId>()
      expect(yield* Effect.flip(resolveOrganization(Option.some(unknown)))).toMatchObject({
        _tag: "OrganizationNotFound",
        organizationId: unknown
      })
      const orgs = yield* OrganizationRepository
      const a = yield* orgs.insert(new Organization({ id: newId<OrganizationId>(), name: "A", createdAt: new Date(1) }))
      const b = yield* orgs.insert(new Organization({ id: newId<OrganizationId>(), name: "B", createdAt: new Date(2) }))
      const ambiguous = yield* Effect.flip(resolveOrganization(Option.none()))
      expect(ambiguous).toMatchObject({
        _tag: "OrganizationRequired",
        organizations: [
          { id: a.id, name: "A" },
          { id: b.id, name: "B" }
        ]
      })
      expect((yield* resolveOrganization(Option.some(b.id))).name).toBe("B")
    }).pipe(Effect.provide(freshLayer()))
  )
})
