import { UniqueConflict, UserRepository } from "@leadforge/domain"
import { Effect, HashMap, Layer, Option, Ref } from "effect"
import { MemoryStore, scoped } from "./MemoryStore.js"
import { traced } from "./traced.js"

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
