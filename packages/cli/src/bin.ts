import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Runtime from "@leadforge/adapters/runtime"
import { Effect, Exit } from "effect"
import { run } from "./Cli.js"
import { exitCodeOf, isDebug } from "./exit.js"
import { EXIT } from "./exitCodes.js"

// With LOG_LEVEL=debug an unexpected error prints its stack (main.ts has turned source maps on for it).
const debug = isDebug(process.env.LOG_LEVEL)

const FLAGS = new Set(["--json", "--dry-run", "--overwrite", "--status", "--explain", "--reopen", "--demo", "--crawl"])

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

/**
 * Output piped into a command that stops reading (`leadforge export … | head`) closes stdout: the next write fails
 * with EPIPE. That ends the command quietly with exit 0, as it does for other Unix tools: the main fiber is
 * interrupted as a signal would interrupt it, so every finalizer runs in its order (a server finishes its requests
 * before the embedded database closes and its lock goes). Any other stdout failure is an error. Errors on stderr
 * are ignored: there is nowhere left to report them.
 */
let stdoutClosed = false
process.stderr.on("error", () => {})

// `.env` in the working directory is read here, under the real environment (Runtime.dotEnvConfig)
const cli = () => run(normalizeArgv(process.argv))
type Cli = ReturnType<typeof cli>
const main = Effect.withFiberRuntime<Effect.Effect.Success<Cli>, Effect.Effect.Error<Cli>, Effect.Effect.Context<Cli>>(
  (fiber) => {
    process.stdout.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE") throw error
      stdoutClosed = true
      fiber.unsafeInterruptAsFork(fiber.id())
    })
    return Effect.suspend(cli)
  }
).pipe(Effect.provide(NodeContext.layer), Effect.provide(Runtime.dotEnvConfig()))

NodeRuntime.runMain(main, {
  disableErrorReporting: true,
  disablePrettyLogger: true,
  teardown: (exit, onExit) => {
    const code =
      Exit.isSuccess(exit) || stdoutClosed
        ? EXIT.ok
        : exitCodeOf(exit.cause, (text) => process.stderr.write(text), debug)
    process.exitCode = code
    onExit(code)
  }
})
