import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { start } from "@leadforge/cli"
import { makeClient } from "@leadforge/http"
import { Effect, Exit, Scope } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

/** The server with no persistence given: the runtime chooses it from the settings alone. */
describe("leadforge serve with DATABASE_URL set but empty", () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "leadforge-empty-url-"))
  const scope = Effect.runSync(Scope.make())
  let baseUrl = ""
  let adminKey = ""

  beforeAll(async () => {
    const { port } = await Effect.runPromise(
      start({
        port: 0,
        host: "127.0.0.1",
        env: { DATABASE_URL: "", LEADFORGE_DATA_DIR: dataDir, QDRANT_URL: "", GROQ_API_KEY: "", REDIS_URL: "" },
        researchWorker: false,
        onBootstrapKey: (key) =>
          Effect.sync(() => {
            adminKey = key
          })
      }).pipe(Scope.extend(scope))
    )
    baseUrl = `http://127.0.0.1:${port}`
  }, 120_000)
  afterAll(async () => {
    await Effect.runPromise(Scope.close(scope, Exit.void))
    fs.rmSync(dataDir, { recursive: true, force: true })
  })

  it("opens the embedded database in LEADFORGE_DATA_DIR and says so; the empty optional settings are unset", async () => {
    const status = await Effect.runPromise(
      Effect.flatMap(makeClient({ baseUrl, apiKey: adminKey }), (client) => client.system.status())
    )
    expect(status.adapters).toEqual({ database: "pglite", vectors: "pgvector", llm: "none" })
    expect(status.migrationLevel).toBeGreaterThan(0)
    expect(fs.existsSync(path.join(dataDir, "PG_VERSION"))).toBe(true)
    const health = await (await fetch(`${baseUrl}/health`)).json()
    expect(health).toMatchObject({
      status: "healthy",
      services: { database: "connected", vector_db: "connected", llm: "not_configured" }
    })
    const lead = await Effect.runPromise(
      Effect.flatMap(makeClient({ baseUrl, apiKey: adminKey }), (client) =>
        client.leads.create({ payload: { companyName: "Empty Url", domain: "empty-url.io" } })
      )
    )
    expect(lead.domain).toBe("empty-url.io")
  })
})
