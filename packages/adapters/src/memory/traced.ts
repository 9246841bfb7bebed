import { Effect } from "effect"

/**
 * Wraps every method of a service (and every Effect-valued member) in a span `${adapter}.${member}`, so the
 * in-memory adapters are traced like the SQL ones without repeating withSpan on each method.
 */
export const traced = <S extends object>(adapter: string, service: S): S => {
  const wrapped: Record<string, unknown> = {}
  for (const [member, value] of Object.entries(service)) {
    const name = `${adapter}.${member}`
    wrapped[member] =
      typeof value === "function"
        ? (...args: Array<unknown>) =>
            Effect.withSpan(value(...args) as Effect.Effect<unknown, unknown, unknown>, name, {
              captureStackTrace: false
            })
        : Effect.isEffect(value)
          ? Effect.withSpan(value, name, { captureStackTrace: false })
          : value
  }
  return wrapped as S
}
