import { emailKey, UniqueConflict, User, UserRepository } from "@leadforge/domain"
import { Effect, HashMap, Layer, Option, Ref } from "effect"
import { MemoryStore } from "./MemoryStore.js"
import { traced } from "./traced.js"

export const UserRepositoryMemory: Layer.Layer<UserRepository, never, MemoryStore> = Layer.effect(
  UserRepository,
  Effect.gen(function* () {
    const { tables, lock } = yield* MemoryStore
    const byEmail = (email: string) =>
      Effect.map(Ref.get(tables), (t) =>
        Option.fromNullable([...HashMap.values(t.users)].find((u) => emailKey(u.email) === emailKey(email)))
      )
    return UserRepository.of(
      traced("UserRepositoryMemory", {
        insert: (user) =>
          lock.withPermits(1)(
            Effect.gen(function* () {
              const t = yield* Ref.get(tables)
              const taken = [...HashMap.values(t.users)].find(
                (u) => u.id === user.id || emailKey(u.email) === emailKey(user.email)
              )
              if (taken !== undefined)
                return yield* new UniqueConflict({ entity: "user", field: "email", existingId: taken.id })
              yield* Ref.set(tables, { ...t, users: HashMap.set(t.users, user.id, user) })
              return user
            })
          ),
        findById: (id) => Effect.map(Ref.get(tables), (t) => HashMap.get(t.users, id)),
        findByEmail: byEmail,
        update: (user) =>
          lock.withPermits(1)(
            Ref.modify(tables, (t) => {
              const existing = HashMap.get(t.users, user.id)
              if (Option.isNone(existing)) return [false, t]
              // the email and the creation time are not changed by an update
              const next = new User({ ...user, email: existing.value.email, createdAt: existing.value.createdAt })
              return [true, { ...t, users: HashMap.set(t.users, user.id, next) }]
            })
          )
      })
    )
  })
)
