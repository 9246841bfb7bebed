import { connect } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { backends, failureWith, postJson, type RawResponse, type RunningServer, raw, startServer } from "./support.js"

/**
 * Hostile input from outside, against the real server on each database: every one is a 4xx problem naming the field
 * and the rule, never a 5xx, and nothing is written.
 */
const SLOW = 60_000
const answered = () => AbortSignal.timeout(5_000)

const send = (
  server: RunningServer,
  method: string,
  path: string,
  body: string,
  headers: Record<string, string> = {}
) =>
  raw(server, path, {
    method,
    key: server.adminKey,
    headers: { "content-type": "application/json", ...headers },
    body,
    signal: answered()
  })

/** The problem of a response, checked for what every error body must be: problem+json, without `_tag`. */
const problemOf = async (response: RawResponse, status: number) => {
  const text = await response.text()
  expect(response.status, text.slice(0, 500)).toBe(status)
  expect(response.headers.get("content-type")).toBe("application/problem+json")
  const problem = JSON.parse(text)
  expect(problem).not.toHaveProperty("_tag")
  expect(problem.status).toBe(status)
  return problem as {
    code: string
    detail: string
    errors?: Array<{ field: string; code: string; message: string }>
  }
}

const fieldsOf = (problem: { errors?: Array<{ field: string }> }) => (problem.errors ?? []).map((e) => e.field).sort()

const leadCount = async (server: RunningServer) => {
  const page = await (await raw(server, "/api/v1/leads?limit=200", { key: server.adminKey })).json()
  return page.items.length as number
}

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`hostile input over ${backend.name}`, () => {
    let server: RunningServer
    let leadId: string

    beforeAll(async () => {
      const persistence = await backend.persistence()
      if (persistence === null) throw new Error(`no ${backend.name} database: set DATABASE_URL`)
      server = await startServer(persistence, backend.env)
      const created = await postJson(server, "/api/v1/leads", server.adminKey, {
        companyName: "Input Co",
        domain: "inputco.com"
      })
      expect(created.status).toBe(201)
      leadId = (await created.json()).id
    }, SLOW)
    afterAll(() => server?.close())

    it.each([
      ["a NUL", "Acme\u0000Corp"],
      ["a lone high surrogate", "x\ud800"],
      ["a lone low surrogate", "\udc00x"]
    ])("%s in a string field is a 400 naming the field and the rule", async (_, value) => {
      const before = await leadCount(server)
      for (const body of [
        { companyName: value },
        { companyName: "Fine Co", industry: value },
        { companyName: "Fine Co", tags: ["ok", value] },
        { companyName: "Fine Co", location: { country: "DE", city: value } }
      ]) {
        const problem = await problemOf(await send(server, "POST", "/api/v1/leads", JSON.stringify(body)), 400)
        const field = Object.keys(body).find((k) => k !== "companyName") ?? "companyName"
        const error = problem.errors?.find((e) => e.field.startsWith(field))
        expect(error, JSON.stringify(problem)).toBeDefined()
        expect(error!.message).toMatch(/NUL|surrogate/)
      }
      const key = await problemOf(await send(server, "POST", "/api/v1/leads", JSON.stringify({ [value]: 1 })), 400)
      expect(key.errors?.length).toBeGreaterThan(0)
      expect(await leadCount(server)).toBe(before)
    })

    it("a NUL in a query parameter is a 400 naming it", async () => {
      for (const path of [
        "/api/v1/leads?q=a%00b",
        "/api/v1/leads?industry=%00",
        "/api/v1/audit?entityId=x%00",
        "/api/v1/knowledge/search?query=a%00b"
      ]) {
        const response = await raw(server, path, { key: server.adminKey, signal: answered() })
        const problem = await problemOf(response, 400)
        const name = path.split("?")[1]!.split("=")[0]!
        expect(
          problem.errors?.map((e) => e.field),
          path
        ).toContain(name)
      }
    })

    it("integers past int4 are a 400 (body) or a 412 (If-Match)", async () => {
      const big = await problemOf(
        await send(
          server,
          "POST",
          "/api/v1/leads",
          JSON.stringify({ companyName: "Big Co", employeeCount: 2147483648 })
        ),
        400
      )
      expect(fieldsOf(big)).toEqual(["employeeCount"])
      expect(big.errors![0]!.message).toContain("2147483647")
      const campaign = await (
        await postJson(server, "/api/v1/campaigns", server.adminKey, { name: `C ${Math.random()}` })
      ).json()
      const product = await (
        await postJson(server, "/api/v1/products", server.adminKey, { name: `P ${Math.random()}` })
      ).json()
      for (const path of [
        `/api/v1/campaigns/${campaign.id}`,
        `/api/v1/products/${product.id}`,
        `/api/v1/leads/${leadId}`
      ]) {
        const change = JSON.stringify(path.includes("/leads/") ? { industry: "Retail" } : { name: `renamed ${path}` })
        for (const ifMatch of ['"2147483648"', '"99999999999999999999"', '"stale-version"', "*", '"0"', "W/"]) {
          const response = await send(server, "PATCH", path, change, { "if-match": ifMatch })
          expect((await problemOf(response, 412)).code, `${path} If-Match: ${ifMatch}`).toBe("precondition_failed")
        }
        const versioned = await send(server, "PATCH", path, JSON.stringify({ version: 2147483648 }))
        expect(fieldsOf(await problemOf(versioned, 400))).toEqual(["version"])
      }
    })

    it("dates outside the years 0001-9999 are a 400 naming the field", async () => {
      const edge = "+275760-09-13T00:00:00.000Z"
      for (const [path, field] of [
        [`/api/v1/leads?createdAfter=${encodeURIComponent(edge)}`, "createdAfter"],
        [`/api/v1/leads?createdBefore=${encodeURIComponent("-000001-01-01T00:00:00.000Z")}`, "createdBefore"],
        [`/api/v1/audit?from=${encodeURIComponent(edge)}`, "from"],
        [`/api/v1/audit?to=${encodeURIComponent(edge)}`, "to"]
      ] as const) {
        const problem = await problemOf(await raw(server, path, { key: server.adminKey, signal: answered() }), 400)
        expect(fieldsOf(problem), path).toEqual([field])
        expect(problem.errors![0]!.message).toContain("0001 to 9999")
      }
      const activity = await send(
        server,
        "POST",
        `/api/v1/leads/${leadId}/activities`,
        JSON.stringify({ kind: "note", occurredAt: edge })
      )
      expect(fieldsOf(await problemOf(activity, 400))).toEqual(["occurredAt"])
      const followUp = await send(
        server,
        "POST",
        "/api/v1/leads",
        JSON.stringify({ companyName: "Far Co", nextFollowUpAt: edge })
      )
      expect(fieldsOf(await problemOf(followUp, 400))).toEqual(["nextFollowUpAt"])
    })

    it("every string field has a maximum length, enforced and shown in the OpenAPI document", async () => {
      const long = await send(
        server,
        "POST",
        "/api/v1/leads",
        JSON.stringify({ companyName: "Long Co", industry: "i".repeat(3000), notes: "n".repeat(10_001) })
      )
      const problem = await problemOf(long, 400)
      expect(fieldsOf(problem)).toEqual(["industry", "notes"])
      expect(problem.errors!.find((e) => e.field === "industry")!.message).toContain("at most 100")
      const spec = await (await raw(server, "/openapi.json")).json()
      // biome-ignore lint/suspicious/noExplicitAny: raw JSON Schema from the served document
      const resolve = (schema: { $ref?: string }): Record<string, any> =>
        schema.$ref === undefined ? schema : resolve(spec.components.schemas[schema.$ref.split("/").pop()!])
      const body = resolve(spec.paths["/api/v1/leads"].post.requestBody.content["application/json"].schema)
      const maxLengthOf = (name: string): number | undefined => {
        const property = resolve(body.properties[name])
        const branches = (property.anyOf ?? [property]).map(resolve)
        return branches.find((b: { maxLength?: number }) => b.maxLength !== undefined)?.maxLength
      }
      expect(maxLengthOf("companyName")).toBe(200)
      expect(maxLengthOf("industry")).toBe(100)
      expect(maxLengthOf("notes")).toBe(10_000)
      expect(maxLengthOf("website")).toBe(2048)
      expect(body.additionalProperties).toBe(false)
    })

    it("JSON nested 5,000 levels deep is a 400, and the server goes on", async () => {
      const deep = `${"[".repeat(5000)}${"]".repeat(5000)}`
      const problem = await problemOf(await send(server, "POST", "/api/v1/leads", deep), 400)
      expect(problem.code).toBe("json_too_deep")
      const object = `${'{"a":'.repeat(5000)}1${"}".repeat(5000)}`
      expect((await problemOf(await send(server, "POST", "/api/v1/leads", object), 400)).code).toBe("json_too_deep")
      // Brackets inside strings are text, not nesting.
      const text = await send(server, "POST", "/api/v1/leads", JSON.stringify({ companyName: "[".repeat(5000) }))
      expect(fieldsOf(await problemOf(text, 400))).toEqual(["companyName"])
      expect((await raw(server, "/health")).status).toBe(200)
    })

    it("schema checks and the lead's own rules are reported together", async () => {
      const before = await leadCount(server)
      const body = JSON.stringify({ companyName: "", domain: "not a domain!!", employeeCount: -1 })
      const problem = await problemOf(await send(server, "POST", "/api/v1/leads", body), 400)
      expect(fieldsOf(problem)).toEqual(["companyName", "domain", "employeeCount"])
      const patch = await send(
        server,
        "PATCH",
        `/api/v1/leads/${leadId}`,
        JSON.stringify({ companyName: "  ", domain: "nope", employeeCount: "many", version: 1 })
      )
      expect(fieldsOf(await problemOf(patch, 400))).toEqual(["companyName", "domain", "employeeCount"])
      const contact = await send(
        server,
        "POST",
        `/api/v1/leads/${leadId}/contacts`,
        JSON.stringify({ firstName: "Ada", email: "not-an-email", source: "carrier pigeon" })
      )
      expect(fieldsOf(await problemOf(contact, 400))).toEqual(["email", "source"])
      expect(await leadCount(server)).toBe(before)
    })

    it("unknown body fields are a 400 naming each", async () => {
      const before = await leadCount(server)
      const body = JSON.stringify({ companyName: "Extra Co", bogus: 1, colour: "red" })
      const problem = await problemOf(await send(server, "POST", "/api/v1/leads", body), 400)
      expect(fieldsOf(problem)).toEqual(["bogus", "colour"])
      expect(problem.errors!.every((e) => e.code === "unknown_field")).toBe(true)
      for (const [path, payload] of [
        [`/api/v1/leads/${leadId}/activities`, { kind: "note", occurredAt: new Date().toISOString(), mood: "good" }],
        ["/api/v1/campaigns", { name: "Extra", mood: "good" }],
        ["/api/v1/products", { name: "Extra", mood: "good" }],
        [`/api/v1/leads/${leadId}/status`, { status: "contacted", mood: "good" }]
      ] as const) {
        const refused = await problemOf(await send(server, "POST", path, JSON.stringify(payload)), 400)
        expect(fieldsOf(refused), path).toEqual(["mood"])
      }
      expect(await leadCount(server)).toBe(before)
    })

    it("an invalid value is echoed back cut to 100 characters", async () => {
      const huge = "z".repeat(500_000)
      const response = await send(
        server,
        "POST",
        "/api/v1/leads",
        JSON.stringify({ companyName: "Echo Co", employeeCount: huge, fundingStage: huge })
      )
      const text = await response.clone().text()
      const problem = await problemOf(response, 400)
      expect(fieldsOf(problem)).toEqual(["employeeCount", "fundingStage"])
      expect(text.length).toBeLessThan(3_000)
      for (const error of problem.errors!) expect(error.message).not.toContain("z".repeat(101))
    })

    it("no error body carries _tag, and the typed client still gets typed errors", async () => {
      const missing = "00000000-0000-4000-8000-000000000000"
      await problemOf(await raw(server, `/api/v1/leads/${missing}`, { key: server.adminKey }), 404)
      await problemOf(await raw(server, "/api/v1/leads"), 401)
      await problemOf(await raw(server, "/api/v1/leads/not-a-uuid", { key: server.adminKey }), 400)
      await problemOf(await send(server, "PATCH", `/api/v1/leads/${leadId}`, JSON.stringify({ industry: "x" })), 428)
      await problemOf(
        await send(server, "POST", "/api/v1/leads", JSON.stringify({ companyName: "Input Co", domain: "inputco.com" })),
        409
      )
      const gone = await failureWith(server, server.adminKey, (client) =>
        client.leads.get({ path: { id: missing as never } })
      )
      expect(gone).toMatchObject({ _tag: "NotFound", status: 404, code: "lead_not_found" })
      const stale = await failureWith(server, server.adminKey, (client) =>
        client.leads.update({
          path: { id: leadId as never },
          headers: { "if-match": '"stale-version"' },
          payload: { industry: "Retail" }
        })
      )
      expect(stale).toMatchObject({ _tag: "PreconditionFailed", status: 412 })
      const invalid = await failureWith(server, server.adminKey, (client) =>
        client.leads.create({ payload: { companyName: " ", domain: "nope" } })
      )
      expect(invalid).toMatchObject({ _tag: "Unprocessable", status: 422, code: "validation_failed" })
    })

    it("a request line Node's parser refuses gets a problem+json 400", async () => {
      const socket = connect(server.port, "127.0.0.1")
      const reply = await new Promise<string>((resolve, reject) => {
        let received = ""
        socket.on("data", (chunk) => {
          received += chunk.toString("latin1")
        })
        socket.on("close", () => resolve(received))
        socket.on("error", reject)
        socket.setTimeout(5_000, () => socket.destroy(new Error("no answer within 5 s")))
        socket.write(
          Buffer.concat([
            Buffer.from("GET /api/v1/leads/"),
            Buffer.from([0xc3, 0xa9, 0xff]),
            Buffer.from(" HTTP/1.1\r\nHost: x\r\n\r\n")
          ])
        )
      })
      expect(reply).toMatch(/^HTTP\/1\.1 400 /)
      const [head, body] = reply.split("\r\n\r\n")
      expect(head!.toLowerCase()).toContain("content-type: application/problem+json")
      const problem = JSON.parse(body!)
      expect(problem).toMatchObject({ status: 400, code: "malformed_request" })
      expect(problem).not.toHaveProperty("_tag")
      expect((await raw(server, "/health")).status).toBe(200)
    })
  })
}
