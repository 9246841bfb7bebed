import { describe, expect, it } from "@effect/vitest"
import {
  AuditLog,
  createCampaign,
  createProduct,
  deleteCampaign,
  getCampaign,
  getProduct,
  listCampaigns,
  ProductRepository,
  updateCampaign,
  updateProduct
} from "@leadforge/domain"
import { Effect } from "effect"
import { ctxA, ctxB, failingAuditLayer, freshLayer, orgA } from "./support.js"

const auditOf = (entityId: string) =>
  Effect.map(
    Effect.flatMap(AuditLog, (log) => log.chain(orgA)),
    (chain) => chain.filter((e) => e.entityId === entityId).map((e) => ({ action: e.action, details: e.details }))
  )

describe("catalog use cases", () => {
  it.effect("create, get, list, update at the expected version and delete a campaign, each audited", () =>
    Effect.gen(function* () {
      const created = yield* createCampaign(ctxA, { name: "Spring", budget: null })
      expect(created).toMatchObject({ name: "Spring", status: "draft", version: 1, organizationId: orgA })
      expect((yield* getCampaign(ctxA, created.id)).id).toBe(created.id)
      expect((yield* listCampaigns(ctxA, {})).items.map((c) => c.id)).toEqual([created.id])
      expect((yield* listCampaigns(ctxB, {})).items).toEqual([])
      expect(yield* Effect.flip(getCampaign(ctxB, created.id))).toMatchObject({ _tag: "EntityNotFound" })

      const updated = yield* updateCampaign(ctxA, created.id, { status: "active", name: undefined }, 1)
      expect(updated).toMatchObject({ name: "Spring", status: "active", version: 2 })
      const stale = yield* Effect.flip(updateCampaign(ctxA, created.id, { status: "paused" }, 1))
      expect(stale).toMatchObject({ _tag: "VersionConflict", expectedVersion: 1, actualVersion: 2 })

      yield* deleteCampaign(ctxA, created.id)
      expect(yield* Effect.flip(getCampaign(ctxA, created.id))).toMatchObject({ _tag: "EntityNotFound" })
      expect(yield* auditOf(created.id)).toEqual([
        { action: "create", details: { name: "Spring" } },
        { action: "update", details: { fields: ["status"] } },
        { action: "delete", details: {} }
      ])
    }).pipe(Effect.provide(freshLayer()))
  )

  it.effect("an invalid entity is ValidationFailed naming the field, a taken name a UniqueConflict", () =>
    Effect.gen(function* () {
      const backwards = yield* Effect.flip(
        createCampaign(ctxA, { name: "Backwards", startsAt: new Date("2026-02-01"), endsAt: new Date("2026-01-01") })
      )
      expect(backwards).toMatchObject({ _tag: "ValidationFailed", entity: "campaign" })
      expect(backwards._tag === "ValidationFailed" && backwards.issues.map((i) => i.field)).toEqual(["endsAt"])
      const product = yield* createProduct(ctxA, { name: "Widget" })
      expect(product).toMatchObject({ description: null, category: null })
      expect(yield* Effect.flip(createProduct(ctxA, { name: "widget" }))).toMatchObject({ _tag: "UniqueConflict" })
      const blank = yield* Effect.flip(updateProduct(ctxA, product.id, { name: "  " }, 1))
      expect(blank).toMatchObject({ _tag: "ValidationFailed", entity: "product" })
      expect((yield* getProduct(ctxA, product.id)).version).toBe(1)
    }).pipe(Effect.provide(freshLayer()))
  )

  it.effect("a write whose audit event fails is not stored (one transaction)", () =>
    Effect.gen(function* () {
      const exit = yield* Effect.exit(createProduct(ctxA, { name: "Ghost" }))
      expect(exit._tag).toBe("Failure")
      expect((yield* (yield* ProductRepository).list(orgA, {})).items).toEqual([])
    }).pipe(Effect.provide(failingAuditLayer()))
  )
})
