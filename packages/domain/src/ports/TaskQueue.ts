import type { Effect, Option } from "effect"
import { Context } from "effect"
import type { EntityNotFound, Unavailable, ValidationFailed } from "../errors.js"
import type { OrganizationId, ResearchTaskId } from "../model/ids.js"
import type { ResearchTask, ResearchTaskKind, ResearchTaskStatus } from "../model/ResearchTask.js"
import type { Page } from "./Page.js"

export declare namespace TaskQueue {
  export interface Service {
    readonly enqueue: (task: ResearchTask) => Effect.Effect<ResearchTask, Unavailable>
    /**
     * Claims the oldest runnable task of one of `kinds` (every kind when absent) with a lease (FOR UPDATE SKIP
     * LOCKED in SQL).
     */
    readonly claim: (
      workerId: string,
      leaseMs: number,
      kinds?: ReadonlyArray<ResearchTaskKind>
    ) => Effect.Effect<Option.Option<ResearchTask>, Unavailable>
    readonly heartbeat: (id: ResearchTaskId, workerId: string, leaseMs: number) => Effect.Effect<boolean, Unavailable>
    readonly complete: (id: ResearchTaskId, workerId: string, result: unknown) => Effect.Effect<void, Unavailable>
    /**
     * Records a failure; the task is retried after `retryAfterMs` until it runs out of attempts. With `final` it
     * is marked failed at once (a failure another attempt cannot fix).
     */
    readonly fail: (
      id: ResearchTaskId,
      workerId: string,
      error: string,
      retryAfterMs: number,
      options?: { readonly final?: boolean }
    ) => Effect.Effect<void, Unavailable>
    readonly cancel: (
      organizationId: OrganizationId,
      id: ResearchTaskId
    ) => Effect.Effect<ResearchTask, EntityNotFound | Unavailable>
    readonly get: (
      organizationId: OrganizationId,
      id: ResearchTaskId
    ) => Effect.Effect<Option.Option<ResearchTask>, Unavailable>
    readonly list: (
      organizationId: OrganizationId,
      query: {
        readonly status?: ResearchTaskStatus
        /** Only tasks of these kinds (every kind when absent). */
        readonly kinds?: ReadonlyArray<ResearchTaskKind>
        readonly limit?: number
        readonly cursor?: string
      }
    ) => Effect.Effect<Page<ResearchTask>, ValidationFailed | Unavailable>
  }
}

export class TaskQueue extends Context.Tag("@leadforge/domain/TaskQueue")<TaskQueue, TaskQueue.Service>() {}
