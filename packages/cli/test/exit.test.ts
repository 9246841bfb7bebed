import { Cause, ConfigError, FiberId } from "effect"
import { describe, expect, it } from "vitest"
import { PartialSuccess, UsageError } from "../src/commands/shared.js"
import { exitCodeOf, isDebug, REPORT_HINT } from "../src/exit.js"
import { EXIT } from "../src/exitCodes.js"

const run = (cause: Cause.Cause<unknown>, debug = false) => {
  let out = ""
  const code = exitCodeOf(cause, (text) => (out += text), debug)
  return { code, out }
}

class DriverError extends Error {
  override readonly name = "SqlError"
}

describe("the CLI's exit codes and error output", () => {
  it("an unexpected error is one line with its reason and where to report it, without a stack", () => {
    const defect = new DriverError("Failed to acquire connection", {
      cause: new Error("connect ECONNREFUSED 127.0.0.1:1")
    })
    const { code, out } = run(Cause.die(defect))
    expect(code).toBe(EXIT.failure)
    expect(out).toBe(
      "leadforge: unexpected error: SqlError: Failed to acquire connection (connect ECONNREFUSED 127.0.0.1:1)\n" +
        `leadforge: ${REPORT_HINT}\n`
    )
    expect(out).not.toContain("    at ")
  })

  it("with LOG_LEVEL=debug the stack follows the reason", () => {
    const { out } = run(Cause.die(new Error("boom")), true)
    expect(out.split("\n")[0]).toBe("leadforge: unexpected error: Error: boom")
    expect(out).toContain("    at ")
    expect(out).not.toContain(REPORT_HINT)
  })

  it("debug means debug or finer, whatever the case", () => {
    expect(["debug", "DEBUG", " Trace ", "all"].map(isDebug)).toEqual([true, true, true, true])
    expect(["info", "warn", "", undefined].map(isDebug)).toEqual([false, false, false, false])
  })

  it("expected failures keep their codes and messages", () => {
    expect(run(Cause.fail(new UsageError({ message: "pick one" })))).toEqual({
      code: EXIT.usage,
      out: "leadforge: usage error: pick one\n"
    })
    expect(run(Cause.fail(new PartialSuccess({ message: "3 rows rejected" })))).toEqual({
      code: EXIT.partial,
      out: "leadforge: 3 rows rejected\n"
    })
    expect(run(Cause.fail(ConfigError.InvalidData(["PORT"], "Expected a port")))).toMatchObject({ code: EXIT.usage })
    expect(run(Cause.interrupt(FiberId.none)).code).toBe(EXIT.interrupted)
  })
})
