import * as SqlClient from "@effect/sql/SqlClient"
import { SqlError } from "@effect/sql/SqlError"
import { describe, expect, it } from "@effect/vitest"
import {
  FieldProvenance,
  Lead,
  type LeadId,
  LeadRepository,
  Location,
  newId,
  type OrganizationId,
  type UserId
} from "@leadforge/domain"
import { Arbitrary, Effect, FastCheck, Option, Schema, Tracer } from "effect"
import { isUnavailable } from "../src/sql/errors.js"
import {
  identityKeyOf,
  LEAD_COLUMNS,
  LEAD_SELECT_LIST,
  type LeadRecord,
  leadFromRow,
  leadParams
} from "../src/sql/leadRow.js"
import { fromRow } from "../src/sql/rows.js"
import { lead } from "./contract/fixtures.js"
import { pglitePersistence, postgresPersistence, resolvePostgres } from "./support/databases.js"

const postgres = await resolvePostgres()

/** Leads covering every field shape: nulls everywhere, everything set, optional keys present and absent. */
const shapes = (org: OrganizationId): ReadonlyArray<Lead> => [
  lead(org, { domain: null, industry: null, employeeCount: null, fundingStage: null }),
  lead(org, {
    website: "https://acme.example",
    employeeCount: 0,
    location: new Location({ country: "DE" }),
    aiAdoptionScore: 0,
    tags: ["a", "b c"],
    ownerId: newId<UserId>(),
    nextFollowUpAt: new Date("2026-03-04T05:06:07.089Z"),
    productInterests: ["crm", "email"],
    notes: 'ünïcödé "quoted" and\nnew line',
    provenance: {
      companyName: new FieldProvenance({
        origin: "user",
        confidence: 100,
        observedAt: new Date("2026-01-02T00:00:00Z")
      }),
      industry: new FieldProvenance({
        origin: "llm",
        confidence: 61,
        observedAt: new Date("2026-01-03T10:00:00.5Z"),
        sourceId: "src-1",
        model: "m",
        evidence: ["page says so"]
      })
    }
  }),
  lead(org, {
    location: new Location({ city: "Berlin", region: "BE", country: "DE" }),
    leadScore: 100,
    grade: "A",
    status: "qualified",
    version: 7,
    createdAt: new Date("2025-12-31T23:59:59.999Z"),
    updatedAt: new Date("2026-02-01T00:00:00.001Z")
  })
]

const readBack = Effect.gen(function* () {
  const org = newId<OrganizationId>()
  const repo = yield* LeadRepository
  const sql = yield* SqlClient.SqlClient
  const written = shapes(org)
  for (const l of written) yield* repo.insert(l)
  for (const l of written) {
    const found = Option.getOrThrow(yield* repo.findById(org, l.id))
    // the lean mapping gives real instances, not look-alikes
    expect(found).toBeInstanceOf(Lead)
    if (l.location !== null) expect(found.location).toBeInstanceOf(Location)
    for (const entry of Object.values(found.provenance)) expect(entry).toBeInstanceOf(FieldProvenance)
    expect(found).toEqual(l)
    // …and the same value the Lead schema decodes from the full row (SELECT *, renamed to camelCase)
    const [full] = yield* sql<object>`SELECT * FROM leads WHERE id = ${l.id}`
    expect(Schema.decodeUnknownSync(fromRow(Lead))(full)).toEqual(found)
    const [record] = yield* sql.unsafe<LeadRecord>(`SELECT ${LEAD_SELECT_LIST} FROM leads WHERE id = $1`, [l.id])
      .withoutTransform
    expect(leadFromRow(record!)).toEqual(found)
  }
  const ids = written.map((l) => l.id)
  expect(yield* repo.findByIds(org, ids)).toEqual(expect.arrayContaining([...written]))
  expect((yield* repo.list(org, { sort: "created" })).items).toHaveLength(written.length)
  for (const item of (yield* repo.list(org, {})).items) expect(item).toEqual(written.find((l) => l.id === item.id))
})

/** The names of the spans `effect` opens. */
const spansOf = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const names: Array<string> = []
    const current = yield* Effect.tracer
    const recorder = Tracer.make({
      span: (name, ...rest) => {
        names.push(name)
        return current.span(name, ...rest)
      },
      context: (f, fiber) => current.context(f, fiber)
    })
    yield* Effect.withTracer(effect, recorder)
    return names
  })

const oneSpanPerCall = Effect.gen(function* () {
  const org = newId<OrganizationId>()
  const repo = yield* LeadRepository
  const l = lead(org)
  expect(yield* spansOf(repo.insert(l))).toEqual(["LeadRepositorySql.insert"])
  expect(yield* spansOf(repo.findById(org, l.id))).toEqual(["LeadRepositorySql.findById"])
  expect(yield* spansOf(repo.findById(org, newId<LeadId>()))).toEqual(["LeadRepositorySql.findById"])
  // a conflict is explained by a second statement, still inside the one span
  const duplicate = yield* spansOf(Effect.flip(repo.insert(lead(org, { domain: l.domain }))))
  expect(duplicate).toEqual(["LeadRepositorySql.insert"])
})

const jsonOf = (value: unknown) => (value === null || value === undefined ? null : JSON.parse(JSON.stringify(value)))
const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)

/** The row Schema.encode(Lead) gives, by column name (what leadParams replaced). */
const fromEncoding = (lead: Lead, identityKey: string): Record<string, unknown> => {
  const encoded: Record<string, unknown> = { ...Schema.encodeSync(Lead)(lead), identityKey }
  for (const key of ["location", "tags", "productInterests", "provenance"]) encoded[key] = jsonOf(encoded[key])
  return Object.fromEntries(Object.entries(encoded).map(([key, value]) => [snake(key), value]))
}

/** leadParams by column name, jsonb columns parsed. */
const byColumn = (params: ReadonlyArray<unknown>): Record<string, unknown> => {
  expect(params).toHaveLength(LEAD_COLUMNS.length)
  const row: Record<string, unknown> = {}
  LEAD_COLUMNS.forEach((column, i) => {
    const value = params[i]
    row[column] =
      ["location", "tags", "product_interests", "provenance"].includes(column) && value !== null
        ? JSON.parse(value as string)
        : value
  })
  return row
}

describe("lead row encoding (leadParams: the repository's parameters and the import's COPY rows)", () => {
  it("equals the Lead schema's encoding for any lead, column by column (property)", () => {
    FastCheck.assert(
      FastCheck.property(Arbitrary.make(Lead), FastCheck.string(), (lead, key) => {
        expect(byColumn(leadParams(lead, key))).toEqual(fromEncoding(lead, key))
        expect(byColumn(leadParams(lead))).toEqual(fromEncoding(lead, identityKeyOf(lead)))
      }),
      { numRuns: 300 }
    )
  })

  it("puts a given score and grade in place of the lead's own, and nothing else changes", () => {
    FastCheck.assert(
      FastCheck.property(
        Arbitrary.make(Lead),
        FastCheck.integer({ min: 0, max: 100 }),
        FastCheck.constantFrom<Lead["grade"]>("A", "B", "C", "D"),
        (lead, score, grade) => {
          const scored = byColumn(leadParams(lead, "k", { score, grade }))
          expect(scored).toEqual({ ...fromEncoding(lead, "k"), lead_score: score, grade })
        }
      ),
      { numRuns: 100 }
    )
  })

  it("serializes only the provenance's own fields, even when the map inherits enumerable ones", () => {
    const sample = FastCheck.sample(Arbitrary.make(Lead), { seed: 7, numRuns: 1 })[0]!
    const entry = new FieldProvenance({
      origin: "import",
      confidence: 80,
      observedAt: new Date("2026-01-01T00:00:00Z")
    })
    // what `record["__proto__"] = entry` leaves behind (fast-check's dictionaries produce it): for…in sees origin,
    // confidence and observedAt as fields too
    const provenance = Object.setPrototypeOf({ constructor: entry }, entry) as Lead["provenance"]
    const odd = new Lead({ ...sample, provenance }, { disableValidation: true })
    expect(byColumn(leadParams(odd, "k")).provenance).toEqual({
      constructor: { origin: "import", confidence: 80, observedAt: "2026-01-01T00:00:00.000Z" }
    })
    expect(byColumn(leadParams(odd, "k"))).toEqual(fromEncoding(odd, "k"))
  })

  it("writes each lead's own timestamps when consecutive leads carry different ones", () => {
    const [a, b] = FastCheck.sample(Arbitrary.make(Lead), { seed: 3, numRuns: 2 })
    const at = (params: ReadonlyArray<unknown>) => [
      params[LEAD_COLUMNS.indexOf("created_at")],
      params[LEAD_COLUMNS.indexOf("updated_at")]
    ]
    expect(at(leadParams(a!))).toEqual([a!.createdAt.toISOString(), a!.updatedAt.toISOString()])
    expect(at(leadParams(b!))).toEqual([b!.createdAt.toISOString(), b!.updatedAt.toISOString()])
    expect(at(leadParams(a!))).toEqual([a!.createdAt.toISOString(), a!.updatedAt.toISOString()])
  })
})

describe("lead rows", () => {
  it.layer(pglitePersistence(), { timeout: 60_000 })("PGlite", (it) => {
    it.effect("every field shape reads back as the same Lead, equal to the schema's decoding", () => readBack)
    it.effect("insert and findById open one span each, the repository's", () => oneSpanPerCall)
  })
  if (postgres.kind !== "none") {
    it.layer(postgresPersistence(postgres), { timeout: 60_000 })("PostgreSQL", (it) => {
      it.effect("every field shape reads back as the same Lead, equal to the schema's decoding", () => readBack)
      it.effect("insert and findById open one span each, the repository's", () => oneSpanPerCall)
    })
  }
})

describe("isUnavailable", () => {
  const withCode = (code: string) => new SqlError({ cause: Object.assign(new Error("boom"), { code }) })
  it("treats connection loss, shutdown, start-up and lock/idle timeouts as unavailable", () => {
    for (const code of [
      "08006", // connection_failure
      "08003", // connection_does_not_exist
      "57P01", // admin_shutdown
      "57P02", // crash_shutdown
      "57P03", // cannot_connect_now (starting up, shutting down, in recovery)
      "57P05", // idle_session_timeout
      "57014", // query_canceled (statement timeout)
      "55P03", // lock_not_available (lock_timeout)
      "25P03", // idle_in_transaction_session_timeout
      "53300", // too_many_connections
      "40001", // serialization_failure
      "40P01", // deadlock_detected
      "ECONNREFUSED",
      "ECONNRESET",
      "ECONNABORTED",
      "ENETUNREACH",
      "EAI_AGAIN",
      "ETIMEDOUT"
    ]) {
      expect([code, isUnavailable(withCode(code))]).toEqual([code, true])
    }
  })
  it("leaves mistakes in our SQL and data errors alone", () => {
    for (const code of ["42601", "42P01", "23505", "22P02", "55000", "55006"]) {
      expect([code, isUnavailable(withCode(code))]).toEqual([code, false])
    }
  })
})
