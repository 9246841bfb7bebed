import { Membership, MembershipRepository, UniqueConflict } from "@leadforge/domain"
import { Effect, HashMap, Layer, Option, Ref } from "effect"
import { MemoryStore } from "./MemoryStore.js"
import { traced } from "./traced.js"

const keyOf = (organizationId: string, userId: string) => `${organizationId}/${userId}`

const byAge = <A extends { readonly membership: { readonly createdAt: Date } }>(a: A, b: A) =>
  a.membership.createdAt.getTime() - b.membership.createdAt.getTime()

export const MembershipRepositoryMemory: Layer.Layer<MembershipRepository, never, MemoryStore> = Layer.effect(
  MembershipRepository,
  Effect.gen(function* () {
    const { tables, lock } = yield* MemoryStore
    return MembershipRepository.of(
      traced("MembershipRepositoryMemory", {
        insert: (membership) =>
          lock.withPermits(1)(
            Effect.gen(function* () {
              const t = yield* Ref.get(tables)
              const key = keyOf(membership.organizationId, membership.userId)
              if (HashMap.has(t.memberships, key))
                return yield* new UniqueConflict({
                  entity: "membership",
                  field: "userId",
                  existingId: membership.userId
                })
              yield* Ref.set(tables, { ...t, memberships: HashMap.set(t.memberships, key, membership) })
              return membership
            })
          ),
        find: (organizationId, userId) =>
          Effect.map(Ref.get(tables), (t) => HashMap.get(t.memberships, keyOf(organizationId, userId))),
        list: (organizationId) =>
          Effect.map(Ref.get(tables), (t) =>
            [...HashMap.values(t.memberships)]
              .filter((m) => m.organizationId === organizationId)
              .flatMap((membership) =>
                Option.match(HashMap.get(t.users, membership.userId), {
                  onNone: () => [],
                  onSome: (user) => [{ user, membership }]
                })
              )
              .sort(byAge)
          ),
        organizationsOf: (userId) =>
          Effect.map(Ref.get(tables), (t) =>
            [...HashMap.values(t.memberships)]
              .filter((m) => m.userId === userId)
              .flatMap((membership) =>
                Option.match(HashMap.get(t.organizations, membership.organizationId), {
                  onNone: () => [],
                  onSome: (organization) => [{ organization, membership }]
                })
              )
              .sort(byAge)
          ),
        setRole: (organizationId, userId, role) =>
          lock.withPermits(1)(
            Ref.modify(tables, (t) => {
              const key = keyOf(organizationId, userId)
              const existing = HashMap.get(t.memberships, key)
              if (Option.isNone(existing)) return [false, t]
              const next = new Membership({ ...existing.value, role })
              return [true, { ...t, memberships: HashMap.set(t.memberships, key, next) }]
            })
          ),
        remove: (organizationId, userId) =>
          lock.withPermits(1)(
            Ref.modify(tables, (t) => {
              const key = keyOf(organizationId, userId)
              if (!HashMap.has(t.memberships, key)) return [false, t]
              return [true, { ...t, memberships: HashMap.remove(t.memberships, key) }]
            })
          ),
        lockAdmins: (organizationId) =>
          Effect.map(Ref.get(tables), (t) =>
            [...HashMap.values(t.memberships)]
              .filter((m) => m.organizationId === organizationId && m.role === "admin")
              .map((m) => m.userId)
              .sort()
          )
      })
    )
  })
)
