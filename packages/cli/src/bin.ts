#!/usr/bin/env node
import { ValidationError } from "@effect/cli"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Cause, ConfigError, Effect, Exit, Option } from "effect"
import { run } from "./Cli.js"
import { EXIT } from "./exitCodes.js"

const describe = (error: unknown): string => {
  if (error instanceof Error && error.message !== "") return error.message
  if (typeof error === "object" && error !== null && "_tag" in error) return String(error._tag)
  return String(error)
}

const codeOf = (cause: Cause.Cause<unknown>): number => {
  if (Cause.isInterruptedOnly(cause)) return EXIT.interrupted
  const failure = Cause.failureOption(cause)
  if (Option.isNone(failure)) {
    process.stderr.write(`leadforge: unexpected error\n${Cause.pretty(cause)}\n`)
    return EXIT.failure
  }
  const error = failure.value
  // @effect/cli has printed its own message (and help where it applies)
  if (ValidationError.isValidationError(error)) return EXIT.usage
  // a malformed setting in the environment is the caller's to fix, like a malformed option: it names the variable
  if (ConfigError.isConfigError(error)) {
    process.stderr.write(`leadforge: configuration error: ${String(error)}\n`)
    return EXIT.usage
  }
  const tag = typeof error === "object" && error !== null && "_tag" in error ? error._tag : undefined
  process.stderr.write(`leadforge: ${tag === "UsageError" ? "usage error: " : ""}${describe(error)}\n`)
  if (tag === "UsageError") return EXIT.usage
  if (tag === "PartialSuccess") return EXIT.partial
  return EXIT.failure
}

const FLAGS = new Set(["--json", "--dry-run", "--overwrite", "--status", "--explain", "--reopen", "--demo"])

/**
 * @effect/cli stops reading options after a lone `-` (stdin), so `import - --type leads` would lose `--type`;
 * the `-` argument is moved to the end, where it means the same thing.
 */
export const normalizeArgv = (argv: ReadonlyArray<string>): ReadonlyArray<string> => {
  const at = argv.indexOf("-", 2)
  const separator = argv.indexOf("--")
  if (at < 0 || at === argv.length - 1 || (separator >= 0 && separator < at)) return argv
  const before = argv[at - 1] ?? ""
  if (before.startsWith("-") && !FLAGS.has(before)) return argv
  return [...argv.slice(0, at), ...argv.slice(at + 1), "-"]
}

const main = Effect.suspend(() => run(normalizeArgv(process.argv))).pipe(Effect.provide(NodeContext.layer))

NodeRuntime.runMain(main, {
  disableErrorReporting: true,
  disablePrettyLogger: true,
  teardown: (exit, onExit) => {
    const code = Exit.isSuccess(exit) ? EXIT.ok : codeOf(exit.cause)
    process.exitCode = code
    onExit(code)
  }
})
