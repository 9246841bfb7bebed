import { DataSourceRepository } from "@leadforge/domain"
import { Effect, HashMap, Layer, Option, Ref } from "effect"
import { MemoryStore, newestFirst, scoped } from "./MemoryStore.js"
import { traced } from "./traced.js"

export const DataSourceRepositoryMemory: Layer.Layer<DataSourceRepository, never, MemoryStore> = Layer.effect(
  DataSourceRepository,
  Effect.gen(function* () {
    const { tables } = yield* MemoryStore
    return DataSourceRepository.of(
      traced("DataSourceRepositoryMemory", {
        insert: (s) =>
          Ref.update(tables, (t) => ({ ...t, dataSources: HashMap.set(t.dataSources, s.id, s) })).pipe(Effect.as(s)),
        update: (s) =>
          Ref.update(tables, (t) =>
            HashMap.get(t.dataSources, s.id).pipe(
              Option.filter((old) => old.organizationId === s.organizationId),
              Option.match({
                onNone: () => t,
                onSome: () => ({ ...t, dataSources: HashMap.set(t.dataSources, s.id, s) })
              })
            )
          ).pipe(Effect.as(s)),
        findById: (organizationId, id) =>
          Ref.get(tables).pipe(
            Effect.map((t) =>
              HashMap.get(t.dataSources, id).pipe(Option.filter((s) => s.organizationId === organizationId))
            )
          ),
        listByLead: (organizationId, leadId) =>
          Ref.get(tables).pipe(
            Effect.map((t) =>
              scoped(t.dataSources, organizationId)
                .filter((s) => s.leadId === leadId)
                .sort(newestFirst)
            )
          )
      })
    )
  })
)
