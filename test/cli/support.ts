import { execFileSync, spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Effect, Exit, Scope } from "effect"
import { expect } from "vitest"
import { freshDatabaseUrl } from "../../packages/adapters/test/support/databases.js"

export const root = path.resolve(new URL("../..", import.meta.url).pathname)
/** The CLI as it ships: the bundle `pnpm build` makes (packages/cli/scripts/bundle.mjs). */
export const bin = path.join(root, "packages/cli/dist/bundle/leadforge.js")

/**
 * Builds the CLI (and the packages it depends on) once per test run; suites in other worker processes wait for
 * the first one's build through a lock directory.
 */
export const buildCli = async () => {
  const lock = path.join(os.tmpdir(), `leadforge-cli-build-${process.ppid}`)
  const done = path.join(lock, "done")
  try {
    fs.mkdirSync(lock)
  } catch {
    for (let i = 0; i < 600 && !fs.existsSync(done); i++) await new Promise((r) => setTimeout(r, 500))
    return
  }
  execFileSync("npx", ["tsc", "-b", "packages/cli/tsconfig.json"], { cwd: root, stdio: "pipe", timeout: 300_000 })
  execFileSync(process.execPath, ["packages/cli/scripts/bundle.mjs"], { cwd: root, stdio: "pipe", timeout: 300_000 })
  fs.writeFileSync(done, "")
}

export interface Result {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** A command that failed (exit 1) and said why on standard error. */
export const expectFailure = (result: Result, message: string | RegExp) => {
  expect(result.code, result.stderr).toBe(1)
  if (typeof message === "string") expect(result.stderr).toContain(message)
  else expect(result.stderr).toMatch(message)
}

/** A usage error (exit 2): @effect/cli's or ours, naming what was wrong. */
export const expectUsage = (result: Result, pattern: RegExp) => {
  expect(result.code, result.stderr).toBe(2)
  expect(result.stderr).toMatch(pattern)
}

/** Runs the built binary with `env` on top of a clean environment (no DATABASE_URL unless given). */
export const runCli = (
  args: ReadonlyArray<string>,
  env: Readonly<Record<string, string>>,
  options: { readonly input?: string; readonly cwd?: string } = {}
): Promise<Result> =>
  new Promise((resolve, reject) => {
    const { DATABASE_URL: _url, LEADFORGE_DATA_DIR: _dir, ...base } = process.env
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: options.cwd ?? root,
      env: { ...base, NO_COLOR: "1", ...env }
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8")
    })
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8")
    })
    child.on("error", reject)
    child.on("close", (code) => resolve({ code, stdout, stderr }))
    child.stdin.end(options.input ?? "")
  })

export const ndjson = (text: string): Array<Record<string, unknown>> =>
  text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>)

export const tempDir = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix))

/** A fresh lf_test_* database on DATABASE_URL's server, dropped by the returned cleanup. */
export const freshPostgres = async (serverUrl: string) => {
  const scope = Effect.runSync(Scope.make())
  const url = await Effect.runPromise(freshDatabaseUrl({ kind: "url", url: serverUrl }).pipe(Scope.extend(scope)))
  return { url, drop: () => Effect.runPromise(Scope.close(scope, Exit.void)) }
}
