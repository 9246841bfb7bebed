import type { Vitest } from "@effect/vitest"
import { describe, expect } from "@effect/vitest"
import {
  ApiKey,
  type ApiKeyId,
  ApiKeyRepository,
  newId,
  Organization,
  type OrganizationId,
  OrganizationRepository,
  User,
  type UserId,
  UserRepository
} from "@leadforge/domain"
import { bytesToHex, randomBytes } from "@noble/hashes/utils.js"
import { Effect, Option } from "effect"

export type AccountPorts = OrganizationRepository | UserRepository | ApiKeyRepository

const at = new Date("2026-01-01T00:00:00.000Z")

const organization = () => new Organization({ id: newId<OrganizationId>(), name: "Acme", createdAt: at })

export const accountsContract = (it: Vitest.MethodsNonLive<AccountPorts>) => {
  describe("OrganizationRepository, UserRepository, ApiKeyRepository", () => {
    it.effect("stores organizations, users and keys, conflicts name the existing id, tenancy holds", () =>
      Effect.gen(function* () {
        const orgs = yield* OrganizationRepository
        const users = yield* UserRepository
        const keys = yield* ApiKeyRepository
        const before = yield* orgs.count
        const a = yield* orgs.insert(organization())
        const b = yield* orgs.insert(organization())
        expect(yield* orgs.count).toBe(before + 2)
        expect(Option.map(yield* orgs.findById(a.id), (o) => o.name)).toEqual(Option.some("Acme"))

        const user = (organizationId: OrganizationId, email: string) =>
          new User({ id: newId<UserId>(), organizationId, email, name: "Ada", role: "admin", createdAt: at })
        const ada = yield* users.insert(user(a.id, "ada@example.com"))
        const dup = yield* Effect.flip(users.insert(user(a.id, "ADA@example.com")))
        expect(dup).toMatchObject({ _tag: "UniqueConflict", existingId: ada.id })
        yield* users.insert(user(b.id, "ada@example.com"))
        expect((yield* users.list(a.id)).map((u) => u.id)).toEqual([ada.id])
        expect(yield* users.findById(b.id, ada.id)).toEqual(Option.none())

        const key = new ApiKey({
          id: newId<ApiKeyId>(),
          organizationId: a.id,
          name: "ci",
          role: "member",
          prefix: "lf_1234",
          hash: bytesToHex(randomBytes(32)),
          createdAt: at,
          lastUsedAt: null,
          revokedAt: null
        })
        yield* keys.insert(key)
        const dupKey = yield* Effect.flip(keys.insert(new ApiKey({ ...key, id: newId<ApiKeyId>() })))
        expect(dupKey).toMatchObject({ _tag: "UniqueConflict", existingId: key.id })
        expect(Option.map(yield* keys.findActiveByHash(key.hash), (k) => k.organizationId)).toEqual(Option.some(a.id))
        expect(yield* keys.list(b.id)).toEqual([])
        // the direct row mapping of findActiveByHash matches the schema decoding of list, before and after a touch
        expect(yield* keys.findActiveByHash(key.hash)).toEqual(Option.some((yield* keys.list(a.id))[0]))
        yield* keys.touch(key.id, new Date("2026-02-01T00:00:00.000Z"))
        expect(yield* keys.findActiveByHash(key.hash)).toEqual(Option.some((yield* keys.list(a.id))[0]))
        expect(yield* keys.revoke(b.id, key.id, at)).toBe(false)
        expect(yield* keys.revoke(a.id, key.id, at)).toBe(true)
        expect(yield* keys.revoke(a.id, key.id, at)).toBe(false)
        expect(yield* keys.findActiveByHash(key.hash)).toEqual(Option.none())
      })
    )

    it.effect("lists organizations oldest first, by creation time then id, at most `limit`", () =>
      Effect.gen(function* () {
        const orgs = yield* OrganizationRepository
        const base = Date.UTC(1990, 0, 1)
        const mine = [2, 0, 1].map(
          (k) =>
            new Organization({ id: newId<OrganizationId>(), name: `Org ${k}`, createdAt: new Date(base + k * 1_000) })
        )
        for (const o of mine) yield* orgs.insert(o)
        const all = yield* orgs.list(10_000)
        const order = (a: Organization, b: Organization) =>
          a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
        expect(all.map((o) => o.id)).toEqual([...all].sort(order).map((o) => o.id))
        const ids = new Set(mine.map((o) => o.id))
        expect(all.filter((o) => ids.has(o.id)).map((o) => o.name)).toEqual(["Org 0", "Org 1", "Org 2"])
        expect(all.find((o) => o.id === mine[0]!.id)).toEqual(mine[0])
        expect(yield* orgs.list(2)).toEqual(all.slice(0, 2))
        expect(yield* orgs.list(0)).toEqual([])
      })
    )
  })
}
