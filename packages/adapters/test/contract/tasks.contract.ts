import type { Vitest } from "@effect/vitest"
import { describe, expect } from "@effect/vitest"
import {
  newId,
  type OrganizationId,
  ResearchTask,
  type ResearchTaskId,
  type ResearchTaskKind,
  TaskQueue
} from "@leadforge/domain"
import { Effect, Option } from "effect"
import { orgB } from "./fixtures.js"

export type TaskPorts = TaskQueue

const task = (organizationId: OrganizationId, createdAt: Date, kind: ResearchTaskKind = "enrich_company") =>
  new ResearchTask({
    id: newId<ResearchTaskId>(),
    organizationId,
    kind,
    leadId: null,
    status: "queued",
    input: { domain: "example.com" },
    result: null,
    error: null,
    attempts: 0,
    maxAttempts: 2,
    runAfter: new Date(0),
    leaseOwner: null,
    leaseExpiresAt: null,
    createdAt,
    updatedAt: createdAt
  })

export const tasksContract = (it: Vitest.MethodsNonLive<TaskPorts>) => {
  describe("TaskQueue", () => {
    it.effect("claims with a lease, retries a failure, completes, cancels, within the organization", () =>
      Effect.gen(function* () {
        const queue = yield* TaskQueue
        const org = newId<OrganizationId>()
        const t = yield* queue.enqueue(task(org, new Date(0)))
        const claimed = yield* queue.claim("w1", 60_000)
        expect(Option.map(claimed, (x) => [x.id, x.status, x.attempts, x.leaseOwner])).toEqual(
          Option.some([t.id, "running", 1, "w1"])
        )
        expect(yield* queue.claim("w2", 60_000)).toEqual(Option.none())
        expect(yield* queue.heartbeat(t.id, "w1", 60_000)).toBe(true)
        expect(yield* queue.heartbeat(t.id, "w2", 60_000)).toBe(false)
        yield* queue.fail(t.id, "w1", "timeout", 0)
        const retried = yield* queue.claim("w2", 60_000)
        expect(Option.map(retried, (x) => [x.id, x.attempts, x.error])).toEqual(Option.some([t.id, 2, "timeout"]))
        yield* queue.complete(t.id, "w2", { found: 3 })
        const done = yield* queue.get(org, t.id)
        expect(Option.map(done, (x) => [x.status, x.result])).toEqual(Option.some(["succeeded", { found: 3 }]))

        const other = yield* queue.enqueue(task(org, new Date(1000)))
        expect(yield* queue.get(orgB, other.id)).toEqual(Option.none())
        expect((yield* queue.list(orgB, {})).items.some((x) => x.organizationId === org)).toBe(false)
        expect((yield* Effect.flip(queue.cancel(orgB, other.id)))._tag).toBe("EntityNotFound")
        expect((yield* queue.cancel(org, other.id)).status).toBe("cancelled")
        const page = yield* queue.list(org, { limit: 1 })
        expect(page.items.map((x) => x.id)).toEqual([other.id])
        const next = yield* queue.list(org, { limit: 1, cursor: page.nextCursor! })
        expect(next.items.map((x) => x.id)).toEqual([t.id])
        expect((yield* queue.list(org, { status: "succeeded" })).items.map((x) => x.id)).toEqual([t.id])
      })
    )

    it.effect("claims only the kinds a worker asks for, and lists by kind", () =>
      Effect.gen(function* () {
        const queue = yield* TaskQueue
        const org = newId<OrganizationId>()
        const research = yield* queue.enqueue(task(org, new Date(0), "query"))
        const reindex = yield* queue.enqueue(task(org, new Date(1000), "reindex"))
        const first = yield* queue.claim("reindexer", 60_000, ["reindex"])
        expect(Option.map(first, (x) => x.id)).toEqual(Option.some(reindex.id))
        expect(yield* queue.claim("reindexer", 60_000, ["reindex"])).toEqual(Option.none())
        const second = yield* queue.claim("researcher", 60_000, ["find_contacts", "enrich_company", "query"])
        expect(Option.map(second, (x) => x.id)).toEqual(Option.some(research.id))
        const reindexes = yield* queue.list(org, { kinds: ["reindex"] })
        expect(reindexes.items.map((x) => x.id)).toEqual([reindex.id])
        expect((yield* queue.list(org, { kinds: ["query", "reindex"] })).items.map((x) => x.id)).toEqual([
          reindex.id,
          research.id
        ])
      })
    )
  })
}
