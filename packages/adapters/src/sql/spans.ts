import { Effect, FiberRef } from "effect"

/**
 * The span around a hot repository method (point reads and writes on the request path). Effect.fn would also
 * capture a call-site stack trace on every call; the span name identifies the method. Where the tracer is off (the
 * HTTP server runs so) the span would be a no-op that still puts itself into the fiber's context, a copy of the
 * request's whole Context and back, so the effect then runs as it is.
 */
export const hotSpan =
  (name: string) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.withFiberRuntime((fiber) =>
      fiber.getFiberRef(FiberRef.currentTracerEnabled)
        ? Effect.withSpan(effect, name, { captureStackTrace: false })
        : effect
    )

/**
 * Runs a statement without @effect/sql's own `sql.execute` span: on the hot paths the repository's span is the
 * one span per call (it names the operation; the statement text is fixed). Turning the tracer off is two
 * fiber-local writes, so it is skipped where the tracer is off already.
 */
export const untraced = <A, E>(effect: Effect.Effect<A, E>): Effect.Effect<A, E> =>
  Effect.withFiberRuntime((fiber) =>
    fiber.getFiberRef(FiberRef.currentTracerEnabled) ? Effect.withTracerEnabled(effect, false) : effect
  )
