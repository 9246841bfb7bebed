import type { Vitest } from "@effect/vitest"
import { describe, expect } from "@effect/vitest"
import {
  ApiKey,
  type ApiKeyId,
  ApiKeyRepository,
  Membership,
  MembershipRepository,
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

export type AccountPorts = OrganizationRepository | UserRepository | MembershipRepository | ApiKeyRepository

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

        const user = (email: string) =>
          new User({
            id: newId<UserId>(),
            email,
            name: "Ada",
            passwordHash: null,
            failedSignIns: 0,
            lockedUntil: null,
            createdAt: at,
            updatedAt: at
          })
        const ada = yield* users.insert(user(`ada-${a.id}@example.com`))
        const dup = yield* Effect.flip(users.insert(user(`ADA-${a.id}@Example.com`)))
        expect(dup).toMatchObject({ _tag: "UniqueConflict", field: "email", existingId: ada.id })
        expect(yield* users.findById(ada.id)).toEqual(Option.some(ada))
        expect(yield* users.findByEmail(`Ada-${a.id}@EXAMPLE.com`)).toEqual(Option.some(ada))
        expect(yield* users.findByEmail(`nobody-${a.id}@example.com`)).toEqual(Option.none())
        const locked = new User({
          ...ada,
          passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
          failedSignIns: 3,
          lockedUntil: new Date("2026-01-01T00:15:00.000Z"),
          updatedAt: new Date("2026-01-01T00:01:00.000Z")
        })
        expect(yield* users.update(locked)).toBe(true)
        expect(yield* users.findById(ada.id)).toEqual(Option.some(locked))
        expect(yield* users.update(user(`ghost-${a.id}@example.com`))).toBe(false)

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

    it.effect("memberships: one role per organization, listed with their users, scoped, and admins locked", () =>
      Effect.gen(function* () {
        const orgs = yield* OrganizationRepository
        const users = yield* UserRepository
        const memberships = yield* MembershipRepository
        const a = yield* orgs.insert(organization())
        const b = yield* orgs.insert(organization())
        const person = (name: string) =>
          users.insert(
            new User({
              id: newId<UserId>(),
              email: `${name}-${a.id}@example.com`,
              name,
              passwordHash: null,
              failedSignIns: 0,
              lockedUntil: null,
              createdAt: at,
              updatedAt: at
            })
          )
        const ada = yield* person("ada")
        const bob = yield* person("bob")
        const member = (organizationId: OrganizationId, userId: UserId, role: "admin" | "member", ms: number) =>
          new Membership({ organizationId, userId, role, createdAt: new Date(at.getTime() + ms) })
        yield* memberships.insert(member(a.id, ada.id, "admin", 0))
        yield* memberships.insert(member(a.id, bob.id, "member", 1_000))
        yield* memberships.insert(member(b.id, ada.id, "member", 2_000))
        const dup = yield* Effect.flip(memberships.insert(member(a.id, ada.id, "member", 3_000)))
        expect(dup).toMatchObject({ _tag: "UniqueConflict", entity: "membership" })

        const listed = yield* memberships.list(a.id)
        expect(listed.map((m) => [m.user.name, m.membership.role])).toEqual([
          ["ada", "admin"],
          ["bob", "member"]
        ])
        expect(listed[0]!.user).toEqual(ada)
        expect((yield* memberships.list(b.id)).map((m) => m.user.id)).toEqual([ada.id])
        const of = yield* memberships.organizationsOf(ada.id)
        expect(of.map((o) => [o.organization.id, o.membership.role])).toEqual([
          [a.id, "admin"],
          [b.id, "member"]
        ])
        expect(of[0]!.organization).toEqual(a)

        expect(yield* memberships.lockAdmins(a.id)).toEqual([ada.id])
        expect(yield* memberships.setRole(a.id, bob.id, "admin")).toBe(true)
        expect([...(yield* memberships.lockAdmins(a.id))].sort()).toEqual([ada.id, bob.id].sort())
        expect(Option.map(yield* memberships.find(a.id, bob.id), (m) => m.role)).toEqual(Option.some("admin"))
        expect(yield* memberships.setRole(b.id, bob.id, "admin")).toBe(false)
        expect(yield* memberships.remove(b.id, bob.id)).toBe(false)
        expect(yield* memberships.remove(a.id, bob.id)).toBe(true)
        expect(yield* memberships.find(a.id, bob.id)).toEqual(Option.none())
        expect(yield* memberships.find(b.id, ada.id)).not.toEqual(Option.none())
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
