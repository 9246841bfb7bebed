import { Activity, ActivityRepository } from "@leadforge/domain"
import { Effect, HashMap, Layer, Ref } from "effect"
import { MemoryStore, scoped } from "./MemoryStore.js"
import { traced } from "./traced.js"

export const ActivityRepositoryMemory: Layer.Layer<ActivityRepository, never, MemoryStore> = Layer.effect(
  ActivityRepository,
  Effect.gen(function* () {
    const { tables, lock } = yield* MemoryStore
    return ActivityRepository.of(
      traced("ActivityRepositoryMemory", {
        insert: (activity) =>
          Ref.update(tables, (t) => ({ ...t, activities: HashMap.set(t.activities, activity.id, activity) })).pipe(
            lock.withPermits(1),
            Effect.as(activity)
          ),
        listByLead: (organizationId, leadId) =>
          Ref.get(tables).pipe(
            Effect.map((t) =>
              scoped(t.activities, organizationId)
                .filter((a) => a.leadId === leadId)
                .sort(
                  (a, b) => b.occurredAt.getTime() - a.occurredAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)
                )
            )
          ),
        countByOrganization: (organizationId) =>
          Ref.get(tables).pipe(Effect.map((t) => scoped(t.activities, organizationId).length)),
        reassignLead: (organizationId, from, to) =>
          lock.withPermits(1)(
            Ref.modify(tables, (t) => {
              const moving = scoped(t.activities, organizationId).filter((a) => a.leadId === from)
              const activities = moving.reduce(
                (acc, a) => HashMap.set(acc, a.id, new Activity({ ...a, leadId: to })),
                t.activities
              )
              return [moving.length, { ...t, activities }] as const
            })
          )
      })
    )
  })
)
