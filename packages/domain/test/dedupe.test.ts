import { describe, expect, it } from "@effect/vitest"
import { Arbitrary, FastCheck } from "effect"
import { FieldProvenance } from "../src/model/common.js"
import { Lead } from "../src/model/Lead.js"
import { contactIdentity, leadIdentity, normalizeCompanyName, planMerge } from "../src/rules/dedupe.js"

describe("normalizeCompanyName", () => {
  it.each([
    ["Acme", "acme"],
    ["ACME Inc.", "acme"],
    ["The Acme Corp.", "acme"],
    ["Acme, Inc", "acme"],
    ["Müller GmbH & Co. KG", "muller"],
    ["Société Générale S.A.", "societe generale"],
    ["A.C.M.E. Ltd", "acme"],
    ["Procter & Gamble Co.", "procter and gamble"],
    ["  Acme   Widgets  Pty Ltd ", "acme widgets"],
    ["3M Company", "3m"],
    ["Nokia Oyj", "nokia"],
    ["Limited", "limited"],
    ["The Company", "company"],
    ["", ""]
  ])("%j → %j", (input, expected) => {
    expect(normalizeCompanyName(input)).toBe(expected)
  })

  it("is idempotent", () => {
    FastCheck.assert(
      FastCheck.property(FastCheck.string({ unit: "grapheme", maxLength: 40 }), (name) => {
        const once = normalizeCompanyName(name)
        expect(normalizeCompanyName(once)).toBe(once)
      }),
      { numRuns: 2000 }
    )
  })

  it("ignores case, accents, punctuation and legal forms", () => {
    const names = ["Zürich Analytics AG", "zurich analytics", "ZURICH-ANALYTICS ag", "Zurich Analytics, A.G."]
    expect(new Set(names.map(normalizeCompanyName))).toEqual(new Set(["zurich analytics"]))
  })
})

describe("leadIdentity", () => {
  it("prefers the registrable domain, from domain then website", () => {
    expect(leadIdentity({ companyName: "Acme", domain: "https://www.Blog.Acme.co.uk/x" })).toEqual({
      kind: "domain",
      value: "acme.co.uk",
      key: "domain:acme.co.uk"
    })
    expect(leadIdentity({ companyName: "Acme", domain: null, website: "http://shop.acme.com:8080/" })?.key).toBe(
      "domain:acme.com"
    )
  })

  it("falls back to the normalized name when no domain is usable", () => {
    expect(leadIdentity({ companyName: "Acme GmbH", domain: "localhost", website: "not a url" })).toEqual({
      kind: "name",
      value: "acme",
      key: "name:acme"
    })
  })

  it("is null when there is nothing to go by", () => {
    expect(leadIdentity({ companyName: " ,. " })).toBeNull()
  })
})

describe("contactIdentity", () => {
  it("uses the email, lower-cased and with the domain normalized", () => {
    expect(contactIdentity({ email: "  Jane.Doe@ACME.com " }, "domain:acme.com")).toEqual({
      kind: "email",
      value: "jane.doe@acme.com",
      key: "email:jane.doe@acme.com"
    })
  })

  it("falls back to the name within the company when the email is missing or invalid", () => {
    expect(contactIdentity({ email: "not-an-email", firstName: "José", lastName: "Núñez" }, "domain:acme.com")).toEqual(
      { kind: "name", value: "jose nunez", key: "name:domain:acme.com:jose nunez" }
    )
    expect(contactIdentity({ firstName: "jose", lastName: "NUNEZ" }, "domain:acme.com")?.key).toBe(
      contactIdentity({ firstName: "José", lastName: "Núñez" }, "domain:acme.com")?.key
    )
    expect(contactIdentity({ firstName: "Jose", lastName: "Nunez" }, "domain:other.com")?.key).not.toBe(
      "name:domain:acme.com:jose nunez"
    )
  })

  it("is null without email or name", () => {
    expect(contactIdentity({ email: null, firstName: " ", lastName: null }, "k")).toBeNull()
  })
})

const t0 = new Date("2026-01-01T00:00:00.000Z")
const t1 = new Date("2026-06-01T00:00:00.000Z")

const lead = (overrides: Partial<ConstructorParameters<typeof Lead>[0]> = {}): Lead =>
  new Lead({
    id: "00000000-0000-4000-8000-000000000001" as Lead["id"],
    organizationId: "00000000-0000-4000-8000-0000000000aa" as Lead["organizationId"],
    companyName: "Acme",
    domain: "acme.com",
    website: null,
    industry: null,
    employeeCount: null,
    fundingStage: null,
    location: null,
    aiAdoptionScore: null,
    leadScore: 10,
    grade: "D",
    status: "new",
    source: "manual",
    tags: [],
    ownerId: null,
    nextFollowUpAt: null,
    productInterests: [],
    notes: null,
    confidence: 50,
    provenance: {},
    createdAt: t0,
    updatedAt: t0,
    version: 1,
    ...overrides
  })

const prov = (origin: FieldProvenance["origin"], confidence: number, observedAt = t0) =>
  new FieldProvenance({ origin, confidence, observedAt })

describe("planMerge", () => {
  it("keeps a's identity and fills a's empty fields from b", () => {
    const a = lead({ industry: null })
    const b = lead({
      id: "00000000-0000-4000-8000-000000000002" as Lead["id"],
      industry: "Software",
      employeeCount: 120,
      createdAt: t1,
      version: 7,
      leadScore: 90,
      grade: "A"
    })
    const { merged, decisions } = planMerge(a, b)
    expect(merged.id).toBe(a.id)
    expect(merged.version).toBe(1)
    expect(merged.createdAt).toBe(t0)
    expect(merged.leadScore).toBe(10) // derived: recomputed by a rescore, not merged
    expect(merged.industry).toBe("Software")
    expect(merged.employeeCount).toBe(120)
    expect(decisions.map((d) => d.field).sort()).toEqual(["employeeCount", "industry"])
    expect(decisions.find((d) => d.field === "industry")).toMatchObject({ winner: "b", reason: expect.any(String) })
  })

  it("user-entered beats enriched, whatever the confidence", () => {
    const a = lead({ industry: "Fintech", provenance: { industry: prov("llm", 99, t1) } })
    const b = lead({ industry: "Banking" }) // no provenance entry: user-entered
    const { merged, decisions } = planMerge(a, b)
    expect(merged.industry).toBe("Banking")
    expect(merged.provenance.industry).toBeUndefined()
    expect(decisions).toEqual([
      { field: "industry", winner: "b", value: "Banking", reason: "user-entered beats enriched by an LLM" }
    ])
  })

  it("between equally trusted origins the higher confidence wins, then the newer", () => {
    const a = lead({ industry: "Fintech", provenance: { industry: prov("llm", 60, t1) } })
    const b = lead({ industry: "Banking", provenance: { industry: prov("research", 80, t0) } })
    const byConfidence = planMerge(a, b)
    expect(byConfidence.merged.industry).toBe("Banking")
    expect(byConfidence.merged.provenance.industry?.confidence).toBe(80)
    expect(byConfidence.decisions[0]?.reason).toBe("confidence 80 beats 60")

    const c = lead({ industry: "Banking", provenance: { industry: prov("research", 60, t0) } })
    const byAge = planMerge(a, c)
    expect(byAge.merged.industry).toBe("Fintech")
    expect(byAge.decisions[0]?.reason).toMatch(/^newer \(2026-06-01.*\) beats older \(2026-01-01/)
  })

  it("a full tie keeps a", () => {
    const { merged, decisions } = planMerge(lead({ industry: "A" }), lead({ industry: "B" }))
    expect(merged.industry).toBe("A")
    expect(decisions[0]?.winner).toBe("a")
  })

  it("unions lists, joins notes and keeps the higher confidence", () => {
    const a = lead({ tags: ["saas", "EU"], notes: "met at conf", confidence: 40 })
    const b = lead({ tags: ["eu", "ai"], notes: "warm intro", confidence: 85 })
    const { merged, decisions } = planMerge(a, b)
    expect(merged.tags).toEqual(["saas", "EU", "ai"])
    expect(merged.notes).toBe("met at conf\n\nwarm intro")
    expect(merged.confidence).toBe(85)
    expect(decisions.map((d) => [d.field, d.winner])).toEqual([
      ["tags", "both"],
      ["notes", "both"],
      ["confidence", "b"]
    ])
  })

  it("moves grouped fields together", () => {
    const a = {
      email: "jane@acme.com",
      emailStatus: "risky",
      emailConfidence: 40,
      provenance: { email: prov("research", 40) },
      updatedAt: t0
    }
    const b = {
      email: "j.doe@acme.com",
      emailStatus: "valid",
      emailConfidence: 95,
      provenance: { email: prov("import", 95) },
      updatedAt: t0
    }
    const { merged, decisions } = planMerge(a, b, { groups: [["email", "emailStatus", "emailConfidence"]] })
    expect(merged).toMatchObject({ email: "j.doe@acme.com", emailStatus: "valid", emailConfidence: 95 })
    expect(decisions.map((d) => d.field)).toEqual(["email", "emailStatus", "emailConfidence"])
    expect(decisions[1]?.reason).toBe("follows email: imported beats found by research")
  })

  it("planMerge(a, a) changes nothing and decides nothing (property)", () => {
    FastCheck.assert(
      FastCheck.property(Arbitrary.make(Lead), (a) => {
        const { merged, decisions } = planMerge(a, a)
        expect(decisions).toEqual([])
        expect({ ...merged }).toEqual({ ...a })
      }),
      { numRuns: 200 }
    )
  })

  it("every merged field holds a's or b's value, or their combination (property)", () => {
    FastCheck.assert(
      FastCheck.property(Arbitrary.make(Lead), Arbitrary.make(Lead), (a, b) => {
        const { merged, decisions } = planMerge(a, b)
        const decided = new Set(decisions.map((d) => d.field))
        for (const [field, value] of Object.entries(merged)) {
          if (field === "provenance") continue
          const fromA = (a as unknown as Record<string, unknown>)[field]
          if (!decided.has(field)) expect(value).toEqual(fromA)
        }
        for (const d of decisions) {
          expect((merged as unknown as Record<string, unknown>)[d.field]).toEqual(d.value)
        }
        expect(merged.id).toBe(a.id)
        expect(merged.version).toBe(a.version)
      }),
      { numRuns: 200 }
    )
  })
})
