import { ApiKey, ApiKeyRepository, OrganizationRepository, UniqueConflict, UserRepository } from "@leadforge/domain"
import { Effect, HashMap, Layer, Option, Ref } from "effect"
import { MemoryStore, scoped } from "./MemoryStore.js"
import { traced } from "./traced.js"

export const OrganizationRepositoryMemory: Layer.Layer<OrganizationRepository, never, MemoryStore> = Layer.effect(
  OrganizationRepository,
  Effect.gen(function* () {
    const { tables } = yield* MemoryStore
    return OrganizationRepository.of(
      traced("OrganizationRepositoryMemory", {
        insert: (org) =>
          Ref.update(tables, (t) => ({ ...t, organizations: HashMap.set(t.organizations, org.id, org) })).pipe(
            Effect.as(org)
          ),
        findById: (id) => Ref.get(tables).pipe(Effect.map((t) => HashMap.get(t.organizations, id))),
        count: Ref.get(tables).pipe(Effect.map((t) => HashMap.size(t.organizations)))
      })
    )
  })
)

export const UserRepositoryMemory: Layer.Layer<UserRepository, never, MemoryStore> = Layer.effect(
  UserRepository,
  Effect.gen(function* () {
    const { tables, lock } = yield* MemoryStore
    return UserRepository.of(
      traced("UserRepositoryMemory", {
        insert: (user) =>
          lock.withPermits(1)(
            Effect.gen(function* () {
              const t = yield* Ref.get(tables)
              const taken = scoped(t.users, user.organizationId).find(
                (u) => u.id !== user.id && u.email.toLowerCase() === user.email.toLowerCase()
              )
              if (taken !== undefined)
                return yield* new UniqueConflict({ entity: "user", field: "email", existingId: taken.id })
              yield* Ref.set(tables, { ...t, users: HashMap.set(t.users, user.id, user) })
              return user
            })
          ),
        findById: (organizationId, id) =>
          Ref.get(tables).pipe(
            Effect.map((t) => HashMap.get(t.users, id).pipe(Option.filter((u) => u.organizationId === organizationId)))
          ),
        list: (organizationId) =>
          Ref.get(tables).pipe(
            Effect.map((t) =>
              scoped(t.users, organizationId).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
            )
          )
      })
    )
  })
)

export const ApiKeyRepositoryMemory: Layer.Layer<ApiKeyRepository, never, MemoryStore> = Layer.effect(
  ApiKeyRepository,
  Effect.gen(function* () {
    const { tables, lock } = yield* MemoryStore
    return ApiKeyRepository.of(
      traced("ApiKeyRepositoryMemory", {
        insert: (key) =>
          lock.withPermits(1)(
            Effect.gen(function* () {
              const t = yield* Ref.get(tables)
              const taken = Array.from(HashMap.values(t.apiKeys)).find((k) => k.id !== key.id && k.hash === key.hash)
              if (taken !== undefined)
                return yield* new UniqueConflict({ entity: "api_key", field: "hash", existingId: taken.id })
              yield* Ref.set(tables, { ...t, apiKeys: HashMap.set(t.apiKeys, key.id, key) })
              return key
            })
          ),
        findActiveByHash: (hash) =>
          Ref.get(tables).pipe(
            Effect.map((t) =>
              Option.fromNullable(
                Array.from(HashMap.values(t.apiKeys)).find((k) => k.hash === hash && k.revokedAt === null)
              )
            )
          ),
        list: (organizationId) =>
          Ref.get(tables).pipe(
            Effect.map((t) =>
              scoped(t.apiKeys, organizationId).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
            )
          ),
        revoke: (organizationId, id, at) =>
          Ref.modify(tables, (t) => {
            const key = HashMap.get(t.apiKeys, id).pipe(
              Option.filter((k) => k.organizationId === organizationId && k.revokedAt === null)
            )
            if (Option.isNone(key)) return [false, t] as const
            return [
              true,
              { ...t, apiKeys: HashMap.set(t.apiKeys, id, new ApiKey({ ...key.value, revokedAt: at })) }
            ] as const
          }),
        touch: (id, at) =>
          Ref.update(tables, (t) => ({
            ...t,
            apiKeys: HashMap.modify(t.apiKeys, id, (k) => new ApiKey({ ...k, lastUsedAt: at }))
          }))
      })
    )
  })
)
