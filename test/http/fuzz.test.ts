import { FastCheck as fc } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { backends, postJson, type RunningServer, raw, startServer } from "./support.js"

/**
 * A fuzz test driven by the served OpenAPI document: every operation, with hostile values (and plausible ones, so
 * that requests get past the first check) for every path, query and header parameter and every body field. Each
 * response must come within 5 s, be no 5xx (but a documented 503 for a model the server does not have), and be
 * problem+json without `_tag` when it is an error; afterwards the server is healthy, the audit chain verifies, and
 * every lead has its audit event. The number of cases is bounded (CASES per operation, fixed seeds, about 20 s a
 * database): FUZZ_CASES_PER_OPERATION=100 searches harder, FUZZ_REPORT=1 prints the statuses seen per operation
 * (FUZZ_REPORT=verbose every request).
 */
const CASES = Number(process.env.FUZZ_CASES_PER_OPERATION ?? "12")
const SLOW = 240_000
const ANSWER_WITHIN = 5_000
/**
 * 503s the document promises for a service the test server lacks: a language model (none is configured), and a
 * vector index where the PostgreSQL under test has no pgvector.
 */
const DOCUMENTED_503 = new Set(["llm_not_configured", "vector_index_unavailable"])

// biome-ignore lint/suspicious/noExplicitAny: JSON Schema and OpenAPI objects from the wire
type Json = any

interface Operation {
  readonly method: string
  readonly path: string
  readonly parameters: ReadonlyArray<{ readonly name: string; readonly in: string; readonly schema: Json }>
  readonly body: Json | undefined
}

/** Waits (at most 30 s) until a request with the admin key is no longer refused for earlier failed authentications. */
const waitForAuthBudget = async (server: RunningServer) => {
  for (let attempt = 0; attempt < 30; attempt++) {
    const response = await raw(server, "/api/v1/audit/verify", { key: server.adminKey })
    if (response.status !== 429) return
    await new Promise((resolve) => setTimeout(resolve, 1_000 * Number(response.headers.get("retry-after") ?? 1)))
  }
}

const deep = (levels: number): unknown => {
  let value: unknown = 1
  for (let i = 0; i < levels; i++) value = [value]
  return value
}

/** Values chosen to break things: storage limits, parser edges, type confusion, injection. */
const HOSTILE: ReadonlyArray<unknown> = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "x\ud800",
  "\udc00",
  "\ud83d\ude00",
  "a".repeat(3_000),
  "é".repeat(70_000),
  "' OR 1=1 --",
  "'; DROP TABLE leads; --",
  "../../../../etc/passwd",
  "%00",
  "%",
  "\\",
  '"',
  "<script>alert(1)</script>",
  "null",
  "NaN",
  "-1",
  "2147483648",
  "+275760-09-13T00:00:00.000Z",
  "-271821-04-20T00:00:00.000Z",
  "0000-01-01T00:00:00.000Z",
  "9999-12-31T23:59:59.999Z",
  "2024-02-30T00:00:00Z",
  "00000000-0000-0000-0000-000000000000",
  "ffffffff-ffff-ffff-ffff-ffffffffffff",
  0,
  -1,
  -0,
  1.5,
  2_147_483_647,
  2_147_483_648,
  -2_147_483_649,
  9_007_199_254_740_992,
  1e308,
  -1e308,
  true,
  false,
  null,
  [],
  [null],
  {},
  { __proto__: { polluted: true } },
  JSON.parse('{"__proto__":{"polluted":true}}'),
  deep(60)
]

const encodeSegment = (value: string): string => {
  try {
    return encodeURIComponent(value)
  } catch {
    // A lone surrogate has no UTF-8 encoding: send the bytes a careless client would.
    return "%ED%A0%80"
  }
}

const asText = (value: unknown): string => (typeof value === "string" ? value : (JSON.stringify(value) ?? ""))

const hostileValue = (values: ReadonlyArray<unknown>) =>
  fc.oneof(fc.constantFrom(...values), fc.string({ unit: "binary", maxLength: 40 }), fc.integer(), fc.double())

const hostile = hostileValue(HOSTILE)
/** In a URL, past Node's 16 KiB of headers the server can only refuse the connection: no parameter that long. */
const hostileParameter = hostileValue(HOSTILE.filter((value) => encodeSegment(asText(value)).length < 8_000))

/**
 * What a generator needs: the document, ids of real records, and whether this request is hostile. Half the requests
 * are clean (every value plausible), so that they get past the first check to the rules and the database; in the
 * other half every value may be hostile, and fields the schema lacks are added.
 */
interface Draw {
  readonly spec: Json
  readonly ids: ReadonlyArray<string>
  /** The ids of real records by the collection their path names: leads, contacts, campaigns, … */
  readonly fixtures: Readonly<Record<string, ReadonlyArray<string>>>
  readonly hostile: boolean
}

/** A hostile value in a hostile request, now and then; else a plausible one. */
const maybeHostile = (draw: Draw, plausibleValue: fc.Arbitrary<unknown>, hostileValue: fc.Arbitrary<unknown>) =>
  draw.hostile
    ? fc.oneof({ arbitrary: plausibleValue, weight: 2 }, { arbitrary: hostileValue, weight: 1 })
    : plausibleValue

const describes = (schema: Json, word: RegExp) => word.test(`${schema.format ?? ""} ${schema.description ?? ""}`)

/** A value the schema accepts, or close to it, so that requests reach the rules and the database. */
const plausible = (schema: Json, draw: Draw, depth = 0): fc.Arbitrary<unknown> => {
  if (schema === undefined || depth > 6) return fc.constant(null)
  if (schema.$ref !== undefined) return plausible(resolve(draw.spec, schema), draw, depth + 1)
  const branches = schema.anyOf ?? schema.oneOf
  if (branches !== undefined) return fc.oneof(...branches.map((b: Json) => plausible(b, draw, depth + 1)))
  if (schema.allOf !== undefined) return plausible(schema.allOf[0], draw, depth + 1)
  if (schema.const !== undefined) return fc.constant(schema.const)
  if (schema.enum !== undefined) return fc.constantFrom(...schema.enum)
  switch (schema.type) {
    case "string":
      if (describes(schema, /uuid/i)) {
        return draw.ids.length > 0
          ? fc.oneof({ arbitrary: fc.constantFrom(...draw.ids), weight: 4 }, { arbitrary: fc.uuid(), weight: 1 })
          : fc.uuid()
      }
      if (describes(schema, /date/i)) {
        return fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }).map((d) => d.toISOString())
      }
      if (schema.pattern === "^[A-Z]{2}$") return fc.constantFrom("DE", "US", "FR")
      if (schema.pattern === "^[A-Z]{3}$") return fc.constantFrom("EUR", "USD")
      return fc.oneof(
        fc.constantFrom("Acme", "acme.com", "https://acme.com", "ada@acme.com", "+14155550123", "note"),
        fc.string({ minLength: Math.max(schema.minLength ?? 0, 1), maxLength: Math.min(schema.maxLength ?? 24, 24) })
      )
    case "integer":
      return fc.integer({ min: schema.minimum ?? 0, max: Math.min(schema.maximum ?? 1000, 1_000_000) })
    case "number":
      return fc.double({ min: schema.minimum ?? 0, max: schema.maximum ?? 1000, noNaN: true })
    case "boolean":
      return fc.boolean()
    case "null":
      return fc.constant(null)
    case "array":
      return fc.array(plausible(schema.items, draw, depth + 1), { maxLength: 3 })
    case "object":
      return objectOf(schema, draw, depth)
    default:
      return fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.constant(null))
  }
}

/**
 * An object with each known property plausible or (in a hostile request) hostile, an optional one sometimes left
 * out, and in a hostile request sometimes a field the schema lacks.
 */
const objectOf = (schema: Json, draw: Draw, depth: number): fc.Arbitrary<unknown> => {
  const properties: Record<string, Json> = schema.properties ?? {}
  const required = new Set<string>(schema.required ?? [])
  const fields = Object.fromEntries(
    Object.entries(properties).map(([name, property]) => {
      const value = maybeHostile(draw, plausible(property, draw, depth + 1), hostile)
      return [name, required.has(name) ? value : fc.option(value, { nil: undefined, freq: 3 })]
    })
  )
  const extra = draw.hostile
    ? fc.option(fc.tuple(fc.constantFrom("bogus", "_tag", "id", "organizationId", "\u0000"), hostile), { freq: 4 })
    : fc.constant(null)
  return fc.tuple(fc.record(fields), extra).map(([record, added]) => {
    const out: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(record)) if (value !== undefined) out[key] = value
    if (added !== null) out[added[0]] = added[1]
    return out
  })
}

const resolve = (spec: Json, schema: Json): Json =>
  schema?.$ref === undefined ? schema : resolve(spec, spec.components.schemas[schema.$ref.split("/").pop()])

const operationsOf = (spec: Json): Array<Operation> =>
  Object.entries(spec.paths as Record<string, Json>)
    .flatMap(([path, item]) =>
      Object.entries(item as Record<string, Json>)
        .filter(([method]) => ["get", "post", "put", "patch", "delete"].includes(method))
        .map(([method, op]) => ({
          method: method.toUpperCase(),
          path,
          parameters: op.parameters ?? [],
          body: op.requestBody?.content?.["application/json"]?.schema
        }))
    )
    // Deletes and merges last, so that the records the other operations are fuzzed against are still there.
    .sort((a, b) => Number(destroys(a)) - Number(destroys(b)))

const destroys = (operation: Operation) => operation.method === "DELETE" || operation.path.endsWith("/merge")

/** One request: path, query and header parameters and a body, each plausible, hostile or left out. */
const requestOf = (operation: Operation, draw: Draw) => {
  // Numbers in a query are strings to the schema: a plausible one is a small integer.
  const parameter = (schema: Json, name: string, ids: ReadonlyArray<string> = draw.ids) =>
    maybeHostile(
      draw,
      /^(limit|k|minScore|maxScore)$/.test(name)
        ? fc.integer({ min: 1, max: 100 })
        : plausible(schema, { ...draw, ids }),
      hostileParameter
    )
  // A path id is one of the collection it follows (/leads/{id}: a lead's).
  const idsFor = (name: string) => {
    const segments = operation.path.split("/")
    const collection = segments[segments.indexOf(`{${name}}`) - 1] ?? ""
    return draw.fixtures[collection] ?? draw.ids
  }
  const pathParams = operation.parameters.filter((p) => p.in === "path")
  const queryParams = operation.parameters.filter((p) => p.in === "query")
  const headerParams = operation.parameters.filter((p) => p.in === "header")
  const body =
    operation.body === undefined
      ? fc.constant(undefined)
      : !draw.hostile
        ? plausible(operation.body, draw).map((value) => JSON.stringify(value))
        : fc.oneof(
            { arbitrary: plausible(operation.body, draw).map((value) => JSON.stringify(value)), weight: 8 },
            { arbitrary: hostile.map((value) => JSON.stringify(value) ?? "null"), weight: 1 },
            {
              arbitrary: fc.constantFrom("{", "[1,]", '{"a":1}{', "\u0000", `${"[".repeat(5000)}${"]".repeat(5000)}`),
              weight: 1
            }
          )
  return fc.record({
    path: fc
      .tuple(...pathParams.map((p) => parameter(p.schema, p.name, idsFor(p.name))))
      .map((values) =>
        pathParams.reduce((path, p, i) => path.replace(`{${p.name}}`, encodeSegment(asText(values[i]))), operation.path)
      ),
    query: fc
      .tuple(...queryParams.map((p) => fc.option(parameter(p.schema, p.name), { nil: undefined, freq: 2 })))
      .map((values) =>
        queryParams
          .flatMap((p, i) => {
            const value = values[i]
            if (value === undefined) return []
            // An array parameter is the parameter repeated (?status=new&status=qualified).
            return (Array.isArray(value) && value.length > 0 ? value : [value]).map(
              (item) => `${encodeURIComponent(p.name)}=${encodeSegment(asText(item))}`
            )
          })
          .join("&")
      ),
    headers: fc
      .tuple(...headerParams.map((p) => fc.option(parameter(p.schema, p.name), { nil: undefined })))
      .map((values) =>
        Object.fromEntries(
          headerParams.flatMap((p, i) => {
            const value = values[i] === undefined ? undefined : asText(values[i])
            // fetch refuses header values outside visible Latin-1; a client cannot send those anyway.
            return value === undefined || !/^[\x20-\x7e]*$/.test(value) ? [] : [[p.name, value]]
          })
        )
      ),
    body
  })
}

interface Seen {
  readonly method: string
  readonly url: string
  readonly status: number
}

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`fuzzing every operation over ${backend.name}`, () => {
    let server: RunningServer
    let spec: Json
    const ids: Array<string> = []
    const fixtures: Record<string, Array<string>> = {}
    const seen: Array<Seen> = []

    beforeAll(async () => {
      const persistence = await backend.persistence()
      if (persistence === null) throw new Error(`no ${backend.name} database: set DATABASE_URL`)
      server = await startServer(persistence, {
        ...backend.env,
        RATE_LIMIT_BURST: "100000",
        RATE_LIMIT_PER_SECOND: "100000",
        AUDIT_CHECKPOINT_KEY: "fuzz-checkpoint-key-0123456789abcdef"
      })
      spec = await (await raw(server, "/openapi.json")).json()
      // Real records, so that plausible ids reach the rules and the database, not only "not found".
      const lead = await (
        await postJson(server, "/api/v1/leads", server.adminKey, { companyName: "Fuzz Co", domain: "fuzz.com" })
      ).json()
      const contact = await (
        await postJson(server, `/api/v1/leads/${lead.id}/contacts`, server.adminKey, {
          firstName: "Ada",
          email: "ada@fuzz.com"
        })
      ).json()
      const campaign = await (await postJson(server, "/api/v1/campaigns", server.adminKey, { name: "Fuzz" })).json()
      const product = await (await postJson(server, "/api/v1/products", server.adminKey, { name: "Fuzz" })).json()
      const doc = await (
        await postJson(server, "/api/v1/knowledge", server.adminKey, { title: "Fuzz", text: "Fuzzing the API." })
      ).json()
      Object.assign(fixtures, {
        leads: [lead.id],
        contacts: [contact.id],
        campaigns: [campaign.id],
        products: [product.id],
        // Without a vector index (a PostgreSQL without pgvector) there are no documents: knowledge answers 503.
        knowledge: doc.document === undefined ? [] : [doc.document.id]
      })
      ids.push(...Object.values(fixtures).flat())
    }, SLOW)
    afterAll(() => server?.close())

    it(
      "no operation answers a 5xx, an error without problem+json, a `_tag`, or later than 5 s",
      async () => {
        const operations = operationsOf(spec)
        expect(operations.length).toBeGreaterThan(30)
        for (const [index, operation] of operations.entries()) {
          await fc.assert(
            fc.asyncProperty(
              fc.boolean().chain((hostile) => requestOf(operation, { spec, ids, fixtures, hostile })),
              async (request) => {
                const url = `${request.path}${request.query === "" ? "" : `?${request.query}`}`
                const started = Date.now()
                const response = await raw(server, url, {
                  method: operation.method,
                  key: server.adminKey,
                  headers: {
                    ...request.headers,
                    ...(request.body === undefined ? {} : { "content-type": "application/json" })
                  },
                  ...(request.body === undefined ? {} : { body: request.body }),
                  signal: AbortSignal.timeout(ANSWER_WITHIN)
                })
                const text = await response.text()
                const what = `${operation.method} ${url.slice(0, 300)} ${(request.body ?? "").slice(0, 300)} -> ${response.status} ${text.slice(0, 300)}`
                expect(Date.now() - started, what).toBeLessThan(ANSWER_WITHIN)
                seen.push({ method: operation.method, url, status: response.status })
                if (process.env.FUZZ_REPORT === "verbose") console.log(what)
                if (response.status >= 400 && operation.path !== "/health") {
                  expect(response.headers.get("content-type"), what).toBe("application/problem+json")
                  const problem = JSON.parse(text)
                  expect(problem, what).not.toHaveProperty("_tag")
                  expect(problem.status, what).toBe(response.status)
                  expect(typeof problem.code, what).toBe("string")
                  if (response.status >= 500) {
                    expect(response.status, what).toBe(503)
                    expect(DOCUMENTED_503.has(problem.code), what).toBe(true)
                  }
                }
              }
            ),
            { numRuns: CASES, seed: 15_000 + index, endOnFailure: true }
          )
        }
        if (process.env.FUZZ_REPORT !== undefined) {
          const counts = new Map<string, number>()
          for (const s of seen) {
            const operation = `${s.method} ${s.url
              .split("?")[0]!
              .replace(/[0-9a-f-]{36}/g, "{id}")
              .slice(0, 60)} ${s.status}`
            counts.set(operation, (counts.get(operation) ?? 0) + 1)
          }
          console.log(
            [...counts]
              .sort()
              .map(([k, v]) => `${k}: ${v}`)
              .join("\n")
          )
        }
        // The fuzz reached past the first check: some requests succeeded, and some failed on their input.
        expect(seen.some((s) => s.status < 300)).toBe(true)
        expect(seen.some((s) => s.status === 400)).toBe(true)
      },
      SLOW
    )

    it(
      "afterwards the server is healthy, the audit chain verifies and every lead has its audit event",
      async () => {
        expect((await raw(server, "/health")).status).toBe(200)
        // The hostile credentials above spent this address's failed-authentication budget (429 with Retry-After,
        // as the edge promises); wait for it to refill before checking with the admin key.
        await waitForAuthBudget(server)
        const verified = await (await raw(server, "/api/v1/audit/verify", { key: server.adminKey })).json()
        expect(verified.valid).toBe(true)
        const all = async (path: string) => {
          const items: Array<Json> = []
          let cursor: string | null = null
          do {
            const page: Json = await (
              await raw(
                server,
                `${path}${path.includes("?") ? "&" : "?"}limit=200${cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`}`,
                {
                  key: server.adminKey
                }
              )
            ).json()
            items.push(...page.items)
            cursor = page.nextCursor
          } while (cursor !== null)
          return items
        }
        const leads = await all("/api/v1/leads")
        const created = new Set(
          (await all("/api/v1/audit?entityType=lead")).filter((e) => e.action === "create").map((e) => e.entityId)
        )
        expect(leads.length).toBeGreaterThan(0)
        expect(leads.filter((lead) => !created.has(lead.id)).map((lead) => lead.id)).toEqual([])
      },
      SLOW
    )
  })
}
