import { ApiKey, ApiKeyRepository, UniqueConflict } from "@leadforge/domain"
import { Effect, HashMap, Layer, Option, Ref } from "effect"
import { MemoryStore, scoped } from "./MemoryStore.js"
import { traced } from "./traced.js"

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
