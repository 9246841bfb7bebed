import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const reporter = fileURLToPath(new URL("./support/summary-reporter.ts", import.meta.url))
const vitest = fileURLToPath(new URL("../node_modules/vitest/vitest.mjs", import.meta.url))

/** Runs vitest with the summary reporter over the given test files in a fresh folder. */
const runFiles = (files: Record<string, string>) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "leadforge-reporter-"))
  try {
    for (const [name, source] of Object.entries(files)) fs.writeFileSync(path.join(root, name), source)
    const run = spawnSync(process.execPath, [vitest, "run", "--root", root, "--reporter", reporter], {
      encoding: "utf8",
      env: { ...process.env, CI: "" },
      timeout: 60_000
    })
    const lines = run.stdout.trim().split("\n")
    return { status: run.status, last: lines.at(-1), stdout: run.stdout }
  } finally {
    fs.rmSync(root, { recursive: true, force: true })
  }
}

const suite = (beforeAll: string) => `
import { beforeAll, describe, expect, it } from "vitest"
describe("suite", () => {
  beforeAll(() => { ${beforeAll} })
  it("runs", () => expect(1).toBe(1))
  it.skip("is skipped on purpose", () => {})
})
`

describe("the summary line agrees with vitest's exit code", () => {
  it("counts a passing file's tests, and a test skipped on purpose as skipped", () => {
    const run = runFiles({ "ok.test.ts": suite("return") })
    expect(run.status).toBe(0)
    expect(run.last).toBe("tests: 1 passed, 0 failed, 1 skipped")
  })

  it("counts the tests of a file whose beforeAll threw as failed, not skipped", () => {
    const run = runFiles({ "ok.test.ts": suite("return"), "broken.test.ts": suite('throw new Error("no database")') })
    expect(run.status).toBe(1)
    expect(run.last).toBe("tests: 1 passed, 1 failed, 2 skipped")
    expect(run.stdout).toMatch(/failed to run: \S*broken\.test\.ts > suite > runs/)
  })

  it("counts a file that cannot even load as failed", () => {
    const run = runFiles({ "syntax.test.ts": 'import "./missing-module.js"\n' })
    expect(run.status).toBe(1)
    expect(run.last).toBe("tests: 0 passed, 1 failed, 0 skipped")
  })
})
