import type { Vitest } from "@effect/vitest"
import { describe, expect } from "@effect/vitest"
import {
  AuditLog,
  LeadRepository,
  newId,
  type OrganizationId,
  Product,
  type ProductId,
  ProductRepository,
  TaskQueue
} from "@leadforge/domain"
import { Effect } from "effect"
import { draft, lead } from "./fixtures.js"

export type CursorPorts = LeadRepository | ProductRepository | AuditLog | TaskQueue

const base64url = (text: string) => Buffer.from(text, "utf8").toString("base64url")

/** Cursors no list handed out: not base64 JSON, JSON of the wrong shape, a number where a string belongs. */
const garbled = [
  "not a cursor!",
  base64url("{"),
  base64url(JSON.stringify({ hello: "world" })),
  base64url(JSON.stringify([1, 2, 3])),
  base64url("null")
]

/** The list fails with ValidationFailed naming `cursor`, instead of silently returning the first page. */
const expectInvalidCursor = <A, E extends { readonly _tag: string }>(list: Effect.Effect<A, E>) =>
  Effect.gen(function* () {
    const error = yield* Effect.flip(list)
    expect(error._tag).toBe("ValidationFailed")
    const issues = (error as unknown as { readonly issues: ReadonlyArray<{ field: string; code: string }> }).issues
    expect(issues.map((i) => [i.field, i.code])).toEqual([["cursor", "invalid_cursor"]])
  })

export const cursorsContract = (it: Vitest.MethodsNonLive<CursorPorts>) => {
  describe("pagination cursors", () => {
    it.effect("LeadRepository.list refuses a garbled cursor and one from the other sort order", () =>
      Effect.gen(function* () {
        const repo = yield* LeadRepository
        const org = newId<OrganizationId>()
        for (const score of [10, 20, 30]) yield* repo.insert(lead(org, { leadScore: score }))
        for (const cursor of garbled) yield* expectInvalidCursor(repo.list(org, { cursor }))
        const byScore = yield* repo.list(org, { limit: 1 })
        const byCreated = yield* repo.list(org, { limit: 1, sort: "created" })
        yield* expectInvalidCursor(repo.list(org, { cursor: byScore.nextCursor!, sort: "created" }))
        yield* expectInvalidCursor(repo.list(org, { cursor: byCreated.nextCursor! }))
        // a cursor it handed out still works, and an empty one (`?cursor=`) is the first page
        expect((yield* repo.list(org, { cursor: byScore.nextCursor! })).items.map((l) => l.leadScore)).toEqual([20, 10])
        expect((yield* repo.list(org, { cursor: "" })).items.length).toBe(3)
      })
    )

    it.effect("ProductRepository.list, AuditLog.list and TaskQueue.list refuse garbled cursors", () =>
      Effect.gen(function* () {
        const products = yield* ProductRepository
        const log = yield* AuditLog
        const tasks = yield* TaskQueue
        const org = newId<OrganizationId>()
        const at = new Date("2026-01-01T00:00:00.000Z")
        for (const name of ["A", "B"]) {
          yield* products.insert(
            new Product({
              id: newId<ProductId>(),
              organizationId: org,
              name,
              description: null,
              category: null,
              createdAt: at,
              updatedAt: at,
              version: 1
            })
          )
          yield* log.append(draft(org, name))
        }
        for (const cursor of garbled) {
          yield* expectInvalidCursor(products.list(org, { cursor }))
          yield* expectInvalidCursor(log.list(org, { cursor }))
          yield* expectInvalidCursor(tasks.list(org, { cursor }))
        }
        // one list's cursor is not another's
        const auditPage = yield* log.list(org, { limit: 1 })
        yield* expectInvalidCursor(products.list(org, { cursor: auditPage.nextCursor! }))
        const productPage = yield* products.list(org, { limit: 1 })
        yield* expectInvalidCursor(log.list(org, { cursor: productPage.nextCursor! }))
        expect((yield* products.list(org, { cursor: productPage.nextCursor! })).items.length).toBe(1)
      })
    )
  })
}
