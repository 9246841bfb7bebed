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
        count: Ref.get(tables).pipe(Effect.map((t) => HashMap.size(t.organizations)))
      })
    )
  })
)
