import { execFile, execFileSync } from "node:child_process"
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"
import { start } from "@leadforge/cli"
import { Effect, Exit, Scope } from "effect"
import { afterAll, describe, expect, it } from "vitest"

const root = new URL("..", import.meta.url).pathname
const domainDir = join(root, "packages/domain")
const httpDir = join(root, "packages/http")
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

/**
 * The typed client outside this repository: the packed @leadforge/domain and @leadforge/http installed into an empty
 * project (with their peers effect and @effect/platform), talking to a server started here from the workspace.
 */
describe("@leadforge/http as an npm package", () => {
  const scope = Effect.runSync(Scope.make())
  const dataDir = mkdtempSync(join(tmpdir(), "leadforge-pack-server-"))
  afterAll(async () => {
    await Effect.runPromise(Scope.close(scope, Exit.void))
    rmSync(dataDir, { recursive: true, force: true })
  })

  it("installs from its packed tarball; its derived client creates a lead and gets typed errors", async () => {
    run("npx", ["tsc", "-b", "packages/http/tsconfig.json"], root)
    const packs = join(work, "http-packs")
    mkdirSync(packs)
    for (const dir of [domainDir, httpDir]) {
      run("npx", ["--yes", "pnpm@10.34.9", "pack", "--pack-destination", packs], dir)
    }
    const tarballs = readdirSync(packs).filter((name) => name.endsWith(".tgz"))
    expect(tarballs.length).toBe(2)
    const manifest = JSON.parse(
      run("tar", ["-xOzf", join(packs, tarballs.find((t) => t.includes("http"))!), "package/package.json"], packs)
    )
    expect(manifest.private).toBeUndefined()
    expect(Object.keys(manifest.dependencies)).toEqual(["@leadforge/domain"])
    expect(Object.keys(manifest.peerDependencies).sort()).toEqual(["@effect/platform", "effect"])

    const app = join(work, "client-app")
    mkdirSync(app)
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "client-app", private: true, type: "module" }))
    run(
      "npm",
      [
        "install",
        "--no-audit",
        "--no-fund",
        "--prefer-offline",
        ...tarballs.map((t) => join(packs, t)),
        "effect@3.22.4",
        "@effect/platform@0.97.2"
      ],
      app
    )

    let adminKey = ""
    const { port } = await Effect.runPromise(
      start({
        port: 0,
        host: "127.0.0.1",
        env: { DATABASE_URL: "", LEADFORGE_DATA_DIR: dataDir, LOG_LEVEL: "error" },
        researchWorker: false,
        onBootstrapKey: (key) =>
          Effect.sync(() => {
            adminKey = key
          })
      }).pipe(Scope.extend(scope))
    )

    writeFileSync(
      join(app, "main.js"),
      `import { makeClient } from "@leadforge/http"
import { Effect } from "effect"
const program = Effect.gen(function* () {
  const client = yield* makeClient({ baseUrl: process.env.BASE_URL, apiKey: process.env.API_KEY })
  const lead = yield* client.leads.create({ payload: { companyName: "Packed Client", domain: "packed-client.io" } })
  const missing = yield* Effect.flip(client.leads.get({ path: { id: "00000000-0000-4000-8000-000000000000" } }))
  const anonymous = yield* makeClient({ baseUrl: process.env.BASE_URL, apiKey: "lf_not_a_key" })
  const refused = yield* Effect.flip(anonymous.leads.list({ urlParams: {} }))
  return {
    lead: { companyName: lead.companyName, domain: lead.domain },
    missing: { tag: missing._tag, status: missing.status, code: missing.code },
    refused: { tag: refused._tag, status: refused.status }
  }
})
console.log(JSON.stringify(await Effect.runPromise(program)))`
    )
    // asynchronously: the server answers from this process's event loop
    const { stdout } = await promisify(execFile)("node", ["main.js"], {
      cwd: app,
      encoding: "utf8",
      env: { ...process.env, BASE_URL: `http://127.0.0.1:${port}`, API_KEY: adminKey },
      timeout: 60_000
    })
    const output = JSON.parse(stdout)
    expect(output).toEqual({
      lead: { companyName: "Packed Client", domain: "packed-client.io" },
      missing: { tag: "NotFound", status: 404, code: "lead_not_found" },
      refused: { tag: "Unauthorized", status: 401 }
    })
  }, 300_000)
})
