import { ValidationError } from "@effect/cli"
import { Cause, ConfigError, Option } from "effect"
import { EXIT } from "./exitCodes.js"

/** Where an operator reports an error the CLI did not expect. */
export const REPORT_HINT =
  "this is a bug or a condition Leadforge does not handle yet: please report it on the project's issue tracker " +
  "with the output of the same command run with LOG_LEVEL=debug"

/** LOG_LEVEL values that print the stack of an unexpected error (debug or finer). */
const DEBUG_LEVELS = new Set(["debug", "trace", "all"])

export const isDebug = (logLevel: string | undefined) => DEBUG_LEVELS.has((logLevel ?? "").trim().toLowerCase())

const describe = (error: unknown): string => {
  if (error instanceof Error && error.message !== "") return error.message
  if (typeof error === "object" && error !== null && "_tag" in error) return String(error._tag)
  return String(error)
}

/** One line: the error's name and message, and its cause's message when it has one (a driver's "ECONNREFUSED"). */
const oneLine = (error: unknown): string => {
  const name =
    error instanceof Error
      ? error.name
      : typeof error === "object" && error !== null && "_tag" in error
        ? String(error._tag)
        : "Error"
  const message = describe(error)
  const cause =
    error instanceof Error || (typeof error === "object" && error !== null)
      ? (error as { cause?: unknown }).cause
      : undefined
  const because = cause === undefined || cause === null ? "" : ` (${describe(cause)})`
  const text = message === name ? `${name}${because}` : `${name}: ${message}${because}`
  return text.split("\n")[0]!.slice(0, 500)
}

/**
 * The exit code for a failed run, writing what the operator should read to `write` (stderr): the reason on one
 * line; for an error the CLI did not expect, where to report it, and the stack only when `debug`.
 */
export const exitCodeOf = (cause: Cause.Cause<unknown>, write: (text: string) => void, debug: boolean): number => {
  if (Cause.isInterruptedOnly(cause)) return EXIT.interrupted
  const failure = Cause.failureOption(cause)
  if (Option.isNone(failure)) {
    write(`leadforge: unexpected error: ${oneLine(Cause.squash(cause))}\n`)
    write(debug ? `${Cause.pretty(cause)}\n` : `leadforge: ${REPORT_HINT}\n`)
    return EXIT.failure
  }
  const error = failure.value
  // @effect/cli has printed its own message (and help where it applies)
  if (ValidationError.isValidationError(error)) return EXIT.usage
  // a malformed setting in the environment is the caller's to fix, like a malformed option: it names the variable
  if (ConfigError.isConfigError(error)) {
    write(`leadforge: configuration error: ${String(error)}\n`)
    return EXIT.usage
  }
  const tag = typeof error === "object" && error !== null && "_tag" in error ? error._tag : undefined
  write(`leadforge: ${tag === "UsageError" ? "usage error: " : ""}${describe(error)}\n`)
  if (tag === "UsageError") return EXIT.usage
  if (tag === "PartialSuccess") return EXIT.partial
  return EXIT.failure
}
