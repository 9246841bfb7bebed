import { EntityNotFound, ResearchTask, TaskQueue } from "@leadforge/domain"
import { Clock, Effect, HashMap, Layer, Option, Ref } from "effect"
import { MemoryStore, pageDesc, scoped } from "./MemoryStore.js"
import { traced } from "./traced.js"

/** Durable-queue semantics in memory: claims take a lease; an expired lease makes the task claimable again. */
export const TaskQueueMemory: Layer.Layer<TaskQueue, never, MemoryStore> = Layer.effect(
  TaskQueue,
  Effect.gen(function* () {
    const { tables, lock } = yield* MemoryStore
    const now = Clock.currentTimeMillis.pipe(Effect.map((ms) => new Date(ms)))
    const modifyTask = (id: string, f: (task: ResearchTask, at: Date) => ResearchTask | null) =>
      Effect.flatMap(now, (at) =>
        Ref.modify(tables, (t) => {
          const task = HashMap.get(t.tasks, id)
          if (Option.isNone(task)) return [false, t] as const
          const next = f(task.value, at)
          return next === null
            ? ([false, t] as const)
            : ([true, { ...t, tasks: HashMap.set(t.tasks, id, next) }] as const)
        })
      ).pipe(lock.withPermits(1))
    const holds = (task: ResearchTask, workerId: string, at: Date) =>
      task.status === "running" && task.leaseOwner === workerId && (task.leaseExpiresAt?.getTime() ?? 0) > at.getTime()
    return TaskQueue.of(
      traced("TaskQueueMemory", {
        enqueue: (task) =>
          Ref.update(tables, (t) => ({ ...t, tasks: HashMap.set(t.tasks, task.id, task) })).pipe(Effect.as(task)),
        claim: (workerId, leaseMs, kinds) =>
          Effect.flatMap(now, (at) =>
            Ref.modify(tables, (t) => {
              const candidate = Array.from(HashMap.values(t.tasks))
                .filter(
                  (task) =>
                    (kinds === undefined || kinds.includes(task.kind)) &&
                    ((task.status === "queued" && task.runAfter.getTime() <= at.getTime()) ||
                      (task.status === "running" && (task.leaseExpiresAt?.getTime() ?? 0) <= at.getTime()))
                )
                .sort(
                  (a, b) => a.runAfter.getTime() - b.runAfter.getTime() || a.createdAt.getTime() - b.createdAt.getTime()
                )[0]
              if (candidate === undefined) return [Option.none<ResearchTask>(), t] as const
              const claimed = new ResearchTask({
                ...candidate,
                status: "running",
                attempts: candidate.attempts + 1,
                leaseOwner: workerId,
                leaseExpiresAt: new Date(at.getTime() + leaseMs),
                updatedAt: at
              })
              return [Option.some(claimed), { ...t, tasks: HashMap.set(t.tasks, claimed.id, claimed) }] as const
            })
          ).pipe(lock.withPermits(1)),
        heartbeat: (id, workerId, leaseMs) =>
          modifyTask(id, (task, at) =>
            holds(task, workerId, at)
              ? new ResearchTask({ ...task, leaseExpiresAt: new Date(at.getTime() + leaseMs), updatedAt: at })
              : null
          ),
        complete: (id, workerId, result) =>
          modifyTask(id, (task, at) =>
            task.status === "running" && task.leaseOwner === workerId
              ? new ResearchTask({
                  ...task,
                  status: "succeeded",
                  result,
                  leaseOwner: null,
                  leaseExpiresAt: null,
                  updatedAt: at
                })
              : null
          ).pipe(Effect.asVoid),
        fail: (id, workerId, error, retryAfterMs, options) =>
          modifyTask(id, (task, at) =>
            task.status === "running" && task.leaseOwner === workerId
              ? new ResearchTask({
                  ...task,
                  status: task.attempts >= task.maxAttempts || options?.final === true ? "failed" : "queued",
                  error,
                  runAfter: new Date(at.getTime() + retryAfterMs),
                  leaseOwner: null,
                  leaseExpiresAt: null,
                  updatedAt: at
                })
              : null
          ).pipe(Effect.asVoid),
        cancel: (organizationId, id) =>
          Effect.gen(function* () {
            const at = yield* now
            const result = yield* Ref.modify(tables, (t) => {
              const task = HashMap.get(t.tasks, id).pipe(Option.filter((x) => x.organizationId === organizationId))
              if (Option.isNone(task)) return [Option.none<ResearchTask>(), t] as const
              const done = ["succeeded", "failed", "cancelled"].includes(task.value.status)
              const next = done
                ? task.value
                : new ResearchTask({
                    ...task.value,
                    status: "cancelled",
                    leaseOwner: null,
                    leaseExpiresAt: null,
                    updatedAt: at
                  })
              return [Option.some(next), { ...t, tasks: HashMap.set(t.tasks, id, next) }] as const
            })
            if (Option.isNone(result)) return yield* new EntityNotFound({ entity: "research_task", id })
            return result.value
          }).pipe(lock.withPermits(1)),
        get: (organizationId, id) =>
          Ref.get(tables).pipe(
            Effect.map((t) => HashMap.get(t.tasks, id).pipe(Option.filter((x) => x.organizationId === organizationId)))
          ),
        list: (organizationId, query) =>
          Ref.get(tables).pipe(
            Effect.flatMap((t) =>
              pageDesc(
                scoped(t.tasks, organizationId).filter(
                  (x) =>
                    (query.status === undefined || x.status === query.status) &&
                    (query.kinds === undefined || query.kinds.includes(x.kind))
                ),
                (x) => [x.createdAt.toISOString(), x.id],
                ["string", "string"],
                query
              )
            )
          )
      })
    )
  })
)
