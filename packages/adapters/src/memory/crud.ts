import { type CrudRepository, EntityNotFound, UniqueConflict, VersionConflict } from "@leadforge/domain"
import { Effect, HashMap, Option, Ref } from "effect"
import { pageDesc, scoped, type Tables } from "./MemoryStore.js"

interface Versioned {
  readonly id: string
  readonly organizationId: string
  readonly name: string
  readonly version: number
  readonly createdAt: Date
}

type TableName = "campaigns" | "products"

export const makeCrud = <E extends Versioned, Id extends string>(
  table: TableName,
  entity: string,
  tables: Ref.Ref<Tables>,
  lock: Effect.Semaphore
): CrudRepository<E, Id> => {
  const rows = (t: Tables) => t[table] as unknown as HashMap.HashMap<string, E>
  const write = (t: Tables, next: HashMap.HashMap<string, E>): Tables => ({ ...t, [table]: next })
  const find = (t: Tables, organizationId: string, id: string) =>
    HashMap.get(rows(t), id).pipe(Option.filter((e) => e.organizationId === organizationId))
  /** Names are unique per organization, ignoring case (the SQL unique index on lower(name)). */
  const sameName = (t: Tables, e: E) =>
    Option.fromNullable(
      scoped(rows(t), e.organizationId).find(
        (other) => other.id !== e.id && other.name.toLowerCase() === e.name.toLowerCase()
      )
    ).pipe(Option.map((other) => new UniqueConflict({ entity, field: "name", existingId: other.id })))
  return {
    insert: (e) =>
      lock.withPermits(1)(
        Effect.gen(function* () {
          const t = yield* Ref.get(tables)
          const conflict = sameName(t, e)
          if (Option.isSome(conflict)) return yield* conflict.value
          if (HashMap.has(rows(t), e.id)) return yield* new UniqueConflict({ entity, field: "id", existingId: e.id })
          yield* Ref.set(tables, write(t, HashMap.set(rows(t), e.id, e)))
          return e
        })
      ),
    update: (e) =>
      lock.withPermits(1)(
        Effect.gen(function* () {
          const t = yield* Ref.get(tables)
          const conflict = sameName(t, e)
          if (Option.isSome(conflict)) return yield* conflict.value
          const stored = find(t, e.organizationId, e.id)
          if (Option.isNone(stored)) return yield* new EntityNotFound({ entity, id: e.id })
          if (stored.value.version !== e.version - 1) {
            return yield* new VersionConflict({
              entity,
              id: e.id,
              expectedVersion: e.version - 1,
              actualVersion: stored.value.version
            })
          }
          yield* Ref.set(tables, write(t, HashMap.set(rows(t), e.id, e)))
          return e
        })
      ),
    findById: (organizationId, id) => Ref.get(tables).pipe(Effect.map((t) => find(t, organizationId, id))),
    list: (organizationId, query) =>
      Ref.get(tables).pipe(
        Effect.flatMap((t) =>
          pageDesc(
            scoped(rows(t), organizationId),
            (e) => [e.createdAt.toISOString(), e.id],
            ["string", "string"],
            query
          )
        )
      ),
    delete: (organizationId, id) =>
      lock.withPermits(1)(
        Effect.gen(function* () {
          const t = yield* Ref.get(tables)
          if (Option.isNone(find(t, organizationId, id))) return yield* new EntityNotFound({ entity, id })
          yield* Ref.set(tables, write(t, HashMap.remove(rows(t), id)))
        })
      )
  }
}
