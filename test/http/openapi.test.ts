import { BaseResolver, createConfig, lintFromString, type NormalizedProblem } from "@redocly/openapi-core"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import { backends, type RunningServer, raw, startServer } from "./support.js"

/** Refuses every external `$ref`: the lint runs offline, and the served document must be self-contained. */
class OfflineResolver extends BaseResolver {
  override async loadExternalRef(absoluteRef: string): Promise<never> {
    throw new Error(`the OpenAPI document refers outside itself: ${absoluteRef}`)
  }
}

const describeProblem = (problem: NormalizedProblem) =>
  `${problem.severity} ${problem.ruleId}: ${problem.message} at ${problem.location.map((l) => l.pointer).join(", ")}`

// The document does not depend on the database, so one backend is enough.
const pglite = backends.find((backend) => backend.name === "pglite")
if (pglite === undefined) throw new Error("no pglite backend")

describe("GET /openapi.json", () => {
  let server: RunningServer

  beforeAll(async () => {
    const persistence = await pglite.persistence()
    if (persistence === null) throw new Error("no pglite persistence")
    server = await startServer(persistence, pglite.env)
  })
  afterAll(() => server?.close())

  it("passes Redocly's recommended ruleset with no error and no warning", async () => {
    const response = await raw(server, "/openapi.json")
    expect(response.status).toBe(200)
    const source = await response.text()
    // Nothing may reach the network while linting: no remote ruleset, no remote $ref.
    const fetchSpy = vi.spyOn(globalThis, "fetch")
    try {
      // The built-in `recommended` ruleset as it is (info-license included: the project is MIT, see LICENSE), with
      // nothing loaded from a file or the network.
      const config = await createConfig({ extends: ["recommended"] })
      const problems = await lintFromString({
        source,
        absoluteRef: `${server.baseUrl}/openapi.json`,
        config,
        externalRefResolver: new OfflineResolver()
      })
      expect(problems.map(describeProblem)).toEqual([])
      expect(JSON.parse(source).info.license).toEqual({ name: "MIT", url: "https://opensource.org/licenses/MIT" })
      expect(fetchSpy).not.toHaveBeenCalled()
    } finally {
      fetchSpy.mockRestore()
    }
  })
})
