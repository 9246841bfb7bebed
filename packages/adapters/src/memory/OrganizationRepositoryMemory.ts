import { OrganizationRepository } from "@leadforge/domain"
import { Effect, HashMap, Layer, Ref } from "effect"
import { MemoryStore } from "./MemoryStore.js"
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
        list: (limit) =>
          Ref.get(tables).pipe(
            Effect.map((t) =>
              Array.from(HashMap.values(t.organizations))
                .sort(
                  (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
                )
                .slice(0, limit)
            )
          ),
        count: Ref.get(tables).pipe(Effect.map((t) => HashMap.size(t.organizations)))
      })
    )
  })
)
