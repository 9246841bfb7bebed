import type { Reporter, TestModule } from "vitest/node"

/**
 * Ends the run with one plain line, `N passed, N failed, N skipped`, and names every skipped test
 * so that a skipped suite is never mistaken for a passing one.
 */
export default class SummaryReporter implements Reporter {
  private lines: Array<string> = []

  onTestRunEnd(modules: ReadonlyArray<TestModule>) {
    let passed = 0
    let failed = 0
    const skipped: Array<string> = []
    for (const module of modules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state
        if (state === "passed") passed++
        else if (state === "failed") failed++
        else skipped.push(`${module.moduleId.replace(`${process.cwd()}/`, "")} > ${test.fullName}`)
      }
      if (module.state() === "failed" && module.children.size === 0) failed++
    }
    this.lines = [
      ...skipped.map((name) => `skipped: ${name}`),
      "",
      `tests: ${passed} passed, ${failed} failed, ${skipped.length} skipped`
    ]
  }

  /** Runs after the default reporter's summary, so the plain line is the last one printed. */
  onFinished() {
    process.stdout.write(`${this.lines.join("\n")}\n`)
  }
}
