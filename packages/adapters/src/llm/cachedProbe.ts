import { Clock, Deferred, Duration, Effect, FiberSet, Option, Ref, type Scope } from "effect"

export interface CachedProbeOptions {
  /** How long an answer is served before the next request refreshes it. */
  readonly ttl: Duration.DurationInput
  /** How long a caller waits when there is no answer yet (the first probe is still running). */
  readonly wait: Duration.DurationInput
}

interface Entry<A> {
  readonly value: A
  readonly at: number
}

/**
 * A probe whose answer is cached for `ttl`. A stale answer is served at once while one refresh runs in the
 * background (in the scope's fiber set), so callers never wait on a slow provider except before its first answer,
 * and then at most `wait`, after which they get `whilePending`. Nothing is probed until the first call.
 */
export const cachedProbe = <A>(
  probe: Effect.Effect<A>,
  whilePending: A,
  options: CachedProbeOptions
): Effect.Effect<Effect.Effect<A>, never, Scope.Scope> =>
  Effect.gen(function* () {
    const ttl = Duration.toMillis(options.ttl)
    const fibers = yield* FiberSet.make<void>()
    const latest = yield* Ref.make(Option.none<Entry<A>>())
    const inFlight = yield* Ref.make(Option.none<Deferred.Deferred<A>>())

    /** The running refresh, or a new one; only one runs at a time. */
    const refresh = Effect.gen(function* () {
      const fresh = yield* Deferred.make<A>()
      const running = yield* Ref.modify(inFlight, (current) =>
        Option.isSome(current) ? [current.value, current] : [fresh, Option.some(fresh)]
      )
      if (running !== fresh) return running
      yield* FiberSet.run(
        fibers,
        probe.pipe(
          Effect.flatMap((value) =>
            Effect.flatMap(Clock.currentTimeMillis, (at) => Ref.set(latest, Option.some({ value, at })))
          ),
          Effect.ensuring(
            Effect.flatMap(Ref.get(latest), (entry) =>
              Effect.zipRight(
                Ref.set(inFlight, Option.none()),
                Deferred.succeed(fresh, Option.match(entry, { onNone: () => whilePending, onSome: (e) => e.value }))
              )
            )
          )
        )
      )
      return fresh
    })

    return Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      const entry = yield* Ref.get(latest)
      if (Option.isSome(entry) && now - entry.value.at < ttl) return entry.value.value
      const running = yield* refresh
      if (Option.isSome(entry)) return entry.value.value
      return yield* Deferred.await(running).pipe(
        Effect.timeoutTo({ duration: options.wait, onTimeout: () => whilePending, onSuccess: (value) => value })
      )
    })
  })
