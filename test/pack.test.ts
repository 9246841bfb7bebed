import { execFileSync } from "node:child_process"
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"

const root = new URL("..", import.meta.url).pathname
const domainDir = join(root, "packages/domain")
const work = mkdtempSync(join(tmpdir(), "leadforge-pack-"))
afterAll(() => rmSync(work, { recursive: true, force: true }))

const run = (cmd: string, args: ReadonlyArray<string>, cwd: string) =>
  execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 240_000 })

/**
 * The published artifact, not the source: build, `pnpm pack`, install the tarball into an empty
 * project with npm, and import it from plain Node (no TypeScript loader).
 */
describe("@leadforge/domain as an npm package", () => {
  it("installs from its packed tarball and runs from plain Node", () => {
    run("npx", ["tsc", "-b", "packages/domain/tsconfig.json"], root)
    run("npx", ["--yes", "pnpm@10.34.9", "pack", "--pack-destination", work], domainDir)
    const tarball = readdirSync(work).find((name) => name.endsWith(".tgz"))
    expect(tarball).toBeDefined()

    const app = join(work, "app")
    mkdirSync(app)
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }))
    run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", join(work, tarball!), "effect@3.22.4"], app)

    writeFileSync(
      join(app, "main.js"),
      `import { normalizeDomain, validateEmail, scoreLead, defaultScoringModel, Lead } from "@leadforge/domain"
const score = scoreLead({ industry: "software", employeeCount: 120, country: "DE" }, defaultScoringModel, new Date())
console.log(JSON.stringify({
  domain: normalizeDomain("https://www.Blog.Acme.co.uk/x"),
  email: validateEmail("Jane.Doe@ACME.com").status,
  score: score.score >= 0 && score.score <= 100,
  lead: typeof Lead.make
}))`
    )
    const output = JSON.parse(run("node", ["main.js"], app))
    expect(output).toEqual({ domain: "acme.co.uk", email: "valid", score: true, lead: "function" })
  }, 300_000)
})
