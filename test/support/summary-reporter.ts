import type { Reporter, TestModule, TestRunEndReason } from "vitest/node"

/**
 * Ends the run with one plain line, `N passed, N failed, N skipped`, and names every skipped test
 * so that a skipped suite is never mistaken for a passing one.
 *
 * The line agrees with vitest's exit code: a test that was meant to run but did not because its file failed
 * (a `beforeAll` that threw, a module that did not load) counts as failed, and so does an error outside any test.
 */
export default class SummaryReporter implements Reporter {
  private lines: Array<string> = []

  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandled: ReadonlyArray<unknown>, reason: TestRunEndReason) {
    let passed = 0
    let failed = 0
    const skipped: Array<string> = []
    const failedToRun: Array<string> = []
    for (const module of modules) {
      const file = module.moduleId.replace(`${process.cwd()}/`, "")
      const moduleFailed = module.state() === "failed"
      let counted = 0
      for (const test of module.children.allTests()) {
        const state = test.result().state
        if (state === "passed") passed++
        else if (state === "failed") {
          failed++
          counted++
        } else if (moduleFailed && test.options.mode === "run") {
          failed++
          counted++
          failedToRun.push(`${file} > ${test.fullName}`)
        } else skipped.push(`${file} > ${test.fullName}`)
      }
      if (moduleFailed && counted === 0) {
        failed++
        failedToRun.push(`${file} (the file failed before any test ran)`)
      }
    }
    failed += unhandled.length
    if (reason === "failed" && failed === 0) failed = 1
    this.lines = [
      ...skipped.map((name) => `skipped: ${name}`),
      ...failedToRun.map((name) => `failed to run: ${name}`),
      "",
      `tests: ${passed} passed, ${failed} failed, ${skipped.length} skipped`
    ]
  }

  /** Runs after the default reporter's summary, so the plain line is the last one printed. */
  onFinished() {
    process.stdout.write(`${this.lines.join("\n")}\n`)
  }
}
