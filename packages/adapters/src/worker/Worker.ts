import { type ResearchTask, type ResearchTaskKind, TaskQueue } from "@leadforge/domain"
import { Cause, Duration, Effect, Exit, Layer, Option } from "effect"

/** Runs one claimed task; its success value is stored as the task's result. */
export type TaskHandler<R> = (task: ResearchTask) => Effect.Effect<unknown, unknown, R>

export interface WorkerOptions {
  /** The kinds of task this worker claims (every kind by default). */
  readonly kinds?: ReadonlyArray<ResearchTaskKind>
  /** Names this worker in `lease_owner`; a random id by default. */
  readonly workerId?: string
  /** How many tasks this worker runs at once (default 1). */
  readonly concurrency?: number
  /** How long a claim holds a task without a heartbeat (default 30 s). */
  readonly lease?: Duration.DurationInput
  /** How often a running task's lease is renewed, and cancellation noticed (default lease / 3). */
  readonly heartbeat?: Duration.DurationInput
  /** How long an idle worker waits before claiming again (default 500 ms). */
  readonly poll?: Duration.DurationInput
  /** Delay before retry n (n = attempts so far); default 1 s doubling, capped at 5 min. */
  readonly backoff?: (attempts: number) => Duration.DurationInput
  /** Failures another attempt cannot fix: the task is marked failed at once (default: none, always retry). */
  readonly permanent?: (error: unknown) => boolean
}

export type TaskOutcome =
  | { readonly _tag: "succeeded"; readonly task: ResearchTask }
  | { readonly _tag: "failed"; readonly task: ResearchTask; readonly error: string; readonly final: boolean }
  /** The lease was lost while running: the task was cancelled, or another worker took it over after expiry. */
  | { readonly _tag: "lost"; readonly task: ResearchTask }

/** 1 s, 2 s, 4 s … capped at 5 minutes. */
export const defaultBackoff = (attempts: number): Duration.Duration =>
  Duration.millis(Math.min(300_000, 1_000 * 2 ** Math.max(0, attempts - 1)))

export const newWorkerId = (): string => `worker-${Math.random().toString(36).slice(2, 10)}`

interface Resolved {
  readonly kinds: ReadonlyArray<ResearchTaskKind> | undefined
  readonly workerId: string
  readonly concurrency: number
  readonly leaseMs: number
  readonly heartbeatMs: number
  readonly pollMs: number
  readonly backoff: (attempts: number) => Duration.DurationInput
  readonly permanent: (error: unknown) => boolean
}

const resolve = (options: WorkerOptions): Resolved => {
  const leaseMs = Duration.toMillis(options.lease ?? "30 seconds")
  return {
    kinds: options.kinds,
    workerId: options.workerId ?? newWorkerId(),
    concurrency: Math.max(1, Math.floor(options.concurrency ?? 1)),
    leaseMs,
    heartbeatMs: Math.max(1, options.heartbeat === undefined ? leaseMs / 3 : Duration.toMillis(options.heartbeat)),
    pollMs: Duration.toMillis(options.poll ?? "500 millis"),
    backoff: options.backoff ?? defaultBackoff,
    permanent: options.permanent ?? (() => false)
  }
}

/** A failure as one line for the task's `error`: the error's tag and message, or the defect. */
export const describeFailure = (cause: Cause.Cause<unknown>): string => {
  const failure = Cause.failureOption(cause)
  const error: unknown = Option.isSome(failure) ? failure.value : Cause.squash(cause)
  if (typeof error === "object" && error !== null) {
    const tag = "_tag" in error && typeof error._tag === "string" ? error._tag : undefined
    const message = "message" in error && typeof error.message === "string" ? error.message : undefined
    if (message !== undefined && message !== "") return tag === undefined ? message : `${tag}: ${message}`
    if (tag !== undefined) return tag
  }
  return String(error)
}

/**
 * Runs one task this worker has claimed: renews the lease every heartbeat while the handler runs, stops the
 * handler when a heartbeat finds the lease gone (cancelled, or taken over after expiry), then records success or
 * failure (retried after the backoff until the task runs out of attempts). If this fiber is interrupted, nothing
 * is recorded: the lease is left to expire and another worker picks the task up, as after a crash.
 */
const runClaimed = <R>(
  queue: TaskQueue.Service,
  handler: TaskHandler<R>,
  options: Resolved,
  task: ResearchTask
): Effect.Effect<TaskOutcome, never, R> =>
  Effect.gen(function* () {
    const { workerId, leaseMs, heartbeatMs } = options
    if (task.attempts > task.maxAttempts) {
      // a worker died holding the last attempt: the task is out of attempts
      const error = task.error ?? "the worker running the last attempt stopped without finishing (lease expired)"
      yield* queue.fail(task.id, workerId, error, 0).pipe(Effect.orDie)
      return { _tag: "failed", task, error, final: true } as const
    }
    const watchdog = Effect.gen(function* () {
      while (true) {
        yield* Effect.sleep(Duration.millis(heartbeatMs))
        // a database hiccup is not a lost lease: keep running and try again next beat
        const held = yield* queue.heartbeat(task.id, workerId, leaseMs).pipe(Effect.orElseSucceed(() => true))
        if (!held) return "lost" as const
      }
    })
    // whichever finishes first wins; the other is interrupted (the handler, when the lease is lost)
    const outcome = yield* Effect.raceFirst(Effect.exit(handler(task)), watchdog)
    if (outcome === "lost") {
      yield* Effect.logInfo("research task lease lost; stopped").pipe(
        Effect.annotateLogs({ taskId: task.id, workerId })
      )
      return { _tag: "lost", task } as const
    }
    if (Exit.isSuccess(outcome)) {
      yield* queue.complete(task.id, workerId, outcome.value).pipe(Effect.orDie)
      return { _tag: "succeeded", task } as const
    }
    const error = describeFailure(outcome.cause)
    const failure = Cause.failureOption(outcome.cause)
    const permanent = Option.isSome(failure) && options.permanent(failure.value)
    const final = permanent || task.attempts >= task.maxAttempts
    const retryAfterMs = Duration.toMillis(options.backoff(task.attempts))
    yield* queue.fail(task.id, workerId, error, retryAfterMs, { final: permanent }).pipe(Effect.orDie)
    yield* Effect.logWarning(final ? "research task failed" : "research task failed; will retry").pipe(
      Effect.annotateLogs({ taskId: task.id, workerId, attempts: task.attempts, error })
    )
    return { _tag: "failed", task, error, final } as const
  })

/** Claims one runnable task and runs it; None when nothing is runnable. */
export const runOne = <R>(
  handler: TaskHandler<R>,
  options: WorkerOptions = {}
): Effect.Effect<Option.Option<TaskOutcome>, never, TaskQueue | R> => {
  const resolved = resolve(options)
  return Effect.flatMap(TaskQueue, (queue) => claimAndRun(queue, handler, resolved))
}

const claimAndRun = <R>(queue: TaskQueue.Service, handler: TaskHandler<R>, options: Resolved) =>
  Effect.gen(function* () {
    const claimed = yield* queue
      .claim(options.workerId, options.leaseMs, options.kinds)
      .pipe(
        Effect.catchAll((error) =>
          Effect.as(
            Effect.logWarning("claiming a research task failed").pipe(Effect.annotateLogs({ error })),
            Option.none()
          )
        )
      )
    if (Option.isNone(claimed)) return Option.none<TaskOutcome>()
    return Option.some(yield* runClaimed(queue, handler, options, claimed.value))
  })

/**
 * Runs tasks until none is runnable (tasks waiting for a retry later are left), with `concurrency` loops sharing
 * the worker id; returns every outcome. For tests, benchmarks and one-shot CLI runs.
 */
export const drain = <R>(
  handler: TaskHandler<R>,
  options: WorkerOptions = {}
): Effect.Effect<ReadonlyArray<TaskOutcome>, never, TaskQueue | R> => {
  const resolved = resolve(options)
  return Effect.gen(function* () {
    const queue = yield* TaskQueue
    const outcomes: Array<TaskOutcome> = []
    const loop = Effect.gen(function* () {
      while (true) {
        const outcome = yield* claimAndRun(queue, handler, resolved)
        if (Option.isNone(outcome)) return
        outcomes.push(outcome.value)
      }
    })
    yield* Effect.all(
      Array.from({ length: resolved.concurrency }, () => loop),
      { concurrency: "unbounded" }
    )
    return outcomes
  })
}

/**
 * A long-running worker: `concurrency` loops that claim, run and record tasks, sleeping `poll` when idle. Runs
 * until interrupted; an interrupted worker leaves its leases to expire (see runClaimed).
 */
export const runWorker = <R>(
  handler: TaskHandler<R>,
  options: WorkerOptions = {}
): Effect.Effect<never, never, TaskQueue | R> => {
  const resolved = resolve(options)
  return Effect.gen(function* () {
    const queue = yield* TaskQueue
    yield* Effect.logInfo("research worker started").pipe(
      Effect.annotateLogs({ workerId: resolved.workerId, concurrency: resolved.concurrency })
    )
    const loop = Effect.gen(function* () {
      while (true) {
        const outcome = yield* claimAndRun(queue, handler, resolved)
        if (Option.isNone(outcome)) yield* Effect.sleep(Duration.millis(resolved.pollMs))
      }
    })
    yield* Effect.all(
      Array.from({ length: resolved.concurrency }, () => loop),
      { concurrency: "unbounded" }
    )
    return yield* Effect.never
  })
}

/**
 * The worker as a layer: starts `runWorker` when the layer is built and interrupts it when its scope closes
 * (for `leadforge worker`, and for `serve` when it also runs tasks).
 */
export const workerLayer = <R>(
  handler: TaskHandler<R>,
  options: WorkerOptions = {}
): Layer.Layer<never, never, TaskQueue | R> => Layer.scopedDiscard(Effect.forkScoped(runWorker(handler, options)))
