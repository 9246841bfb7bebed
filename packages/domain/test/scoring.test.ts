import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck, Schema } from "effect"
import { ActivityKind } from "../src/model/Activity.js"
import { EmailStatus, Seniority } from "../src/model/Contact.js"
import { FundingStage } from "../src/model/Lead.js"
import { LeadStatus } from "../src/model/LeadStatus.js"
import { defaultScoringModel, gradeFor, type ScoringInput, ScoringModel, scoreLead } from "../src/rules/scoring.js"

const now = new Date("2026-11-23T12:00:00.000Z")
const day = 86_400_000
const model = defaultScoringModel

const literal = <A extends string>(schema: { readonly literals: ReadonlyArray<A> }) =>
  FastCheck.constantFrom(...schema.literals)

const opt = <T>(arb: FastCheck.Arbitrary<T>): FastCheck.Arbitrary<T | null> => FastCheck.option(arb, { nil: null })

const anyInput: FastCheck.Arbitrary<ScoringInput> = FastCheck.record(
  {
    industry: opt(FastCheck.constantFrom("Software", "saas", " FinTech ", "retail", "")),
    employeeCount: opt(FastCheck.integer({ min: 0, max: 1_000_000 })),
    fundingStage: opt(literal(FundingStage)),
    country: opt(FastCheck.constantFrom("US", "de", "BR", "GB", "")),
    aiAdoptionScore: opt(FastCheck.oneof(FastCheck.integer({ min: -50, max: 150 }), FastCheck.double())),
    productInterests: FastCheck.array(FastCheck.constantFrom("AI Assistant", "automation", "crm", "lead research")),
    domain: opt(FastCheck.constantFrom("acme.com", "")),
    status: literal(LeadStatus),
    contacts: FastCheck.array(FastCheck.record({ emailStatus: literal(EmailStatus), seniority: literal(Seniority) }), {
      maxLength: 6
    }),
    activities: FastCheck.array(
      FastCheck.record({
        kind: literal(ActivityKind),
        occurredAt: FastCheck.date({ min: new Date("2020-01-01"), max: new Date("2027-12-31"), noInvalidDate: false })
      }),
      { maxLength: 40 }
    )
  },
  { requiredKeys: [] }
)

describe("scoreLead", () => {
  it("score is clamp(round(Σ points), 0, 100), within bounds, graded by the thresholds (property)", () => {
    FastCheck.assert(
      FastCheck.property(anyInput, (input) => {
        const result = scoreLead(input, model, now)
        const sum = result.factors.reduce((acc, f) => acc + f.points, 0)
        expect(result.score).toBe(Math.min(Math.max(Math.round(sum), 0), 100))
        expect(Number.isInteger(result.score)).toBe(true)
        expect(result.grade).toBe(gradeFor(result.score, model))
        expect(result.modelVersion).toBe(model.version)
        for (const factor of result.factors) {
          expect(factor.points).not.toBe(0)
          expect(Number.isFinite(factor.points)).toBe(true)
          expect(factor.reason.length).toBeGreaterThan(0)
        }
      }),
      { numRuns: 3000 }
    )
  })

  it("is deterministic: the same input, model and time give the same result (property)", () => {
    FastCheck.assert(
      FastCheck.property(anyInput, (input) => {
        expect(scoreLead(input, model, now)).toEqual(scoreLead(input, model, now))
      }),
      { numRuns: 500 }
    )
  })

  it("explains an ideal-profile lead factor by factor", () => {
    const result = scoreLead(
      {
        industry: "SaaS",
        employeeCount: 120,
        fundingStage: "series_b",
        country: "de",
        aiAdoptionScore: 80,
        productInterests: ["AI Assistant", "Automation", "lead research"],
        domain: "acme.com",
        status: "qualified",
        contacts: [{ emailStatus: "valid", seniority: "vp" }],
        activities: [{ kind: "meeting", occurredAt: now }]
      },
      model,
      now
    )
    expect(result.factors).toEqual([
      { factor: "industry", points: 15, reason: "industry saas is in the ideal profile" },
      { factor: "company_size", points: 15, reason: "company size in the 51–500 employees range" },
      { factor: "funding_stage", points: 10, reason: "funding stage series_b fits the ideal profile" },
      { factor: "country", points: 5, reason: "country DE is a target market" },
      { factor: "product_interest", points: 6, reason: "3 product interest(s) match the catalogue" },
      { factor: "ai_adoption", points: 12, reason: "AI adoption score 80/100" },
      { factor: "engagement", points: 10, reason: "1 activities, decayed engagement 10 points (half-life 30 days)" },
      { factor: "contact_quality", points: 10, reason: "a decision-maker with a verified email" }
    ])
    expect(result.score).toBe(83)
    expect(result.grade).toBe("A")
  })

  it("halves engagement every half-life; a future activity counts as now; the cap holds", () => {
    const engagement = (ageDays: number, kind: ActivityKind = "meeting") =>
      scoreLead(
        { domain: "acme.com", activities: [{ kind, occurredAt: new Date(now.getTime() - ageDays * day) }] },
        model,
        now
      ).factors.find((f) => f.factor === "engagement")?.points ?? 0
    expect(engagement(0)).toBe(10)
    expect(engagement(30)).toBe(5)
    expect(engagement(60)).toBe(2.5)
    expect(engagement(-10)).toBe(10)
    expect(engagement(365 * 3)).toBe(0) // decayed below a tenth: not listed

    const many = scoreLead(
      {
        domain: "acme.com",
        activities: Array.from({ length: 10 }, () => ({ kind: "meeting" as const, occurredAt: now }))
      },
      model,
      now
    )
    expect(many.factors).toContainEqual({
      factor: "engagement",
      points: 20,
      reason: "10 activities, decayed engagement 20 points (half-life 30 days, capped at 20)"
    })
  })

  it("older engagement never scores higher than newer (property)", () => {
    FastCheck.assert(
      FastCheck.property(
        literal(ActivityKind),
        FastCheck.integer({ min: 0, max: 400 }),
        FastCheck.integer({ min: 0, max: 400 }),
        (kind, x, y) => {
          const [younger, older] = x <= y ? [x, y] : [y, x]
          const at = (ageDays: number) =>
            scoreLead(
              { activities: [{ kind, occurredAt: new Date(now.getTime() - ageDays * day) }] },
              model,
              now
            ).factors.find((f) => f.factor === "engagement")?.points ?? 0
          expect(at(older)).toBeLessThanOrEqual(at(younger))
        }
      )
    )
  })

  it("contact quality: a verified decision-maker raises, only risky emails lower, anything else is neutral", () => {
    const quality = (contacts: NonNullable<ScoringInput["contacts"]>) =>
      scoreLead({ domain: "acme.com", contacts }, model, now).factors.find((f) => f.factor === "contact_quality")
    expect(quality([{ emailStatus: "valid", seniority: "c_level" }])?.points).toBe(10)
    expect(quality([{ emailStatus: "risky", seniority: "c_level" }])?.points).toBe(-8)
    expect(
      quality([
        { emailStatus: "risky", seniority: "manager" },
        { emailStatus: "invalid", seniority: "vp" }
      ])?.points
    ).toBe(-8)
    expect(
      quality([
        { emailStatus: "risky", seniority: "manager" },
        { emailStatus: "unverified", seniority: "vp" }
      ])
    ).toBeUndefined()
    expect(quality([{ emailStatus: "valid", seniority: "entry" }])).toBeUndefined()
    expect(quality([])).toBeUndefined()
  })

  it("penalizes disqualified and lost leads and a missing domain, never below 0", () => {
    const result = scoreLead({ status: "disqualified", domain: null }, model, now)
    expect(result.factors).toEqual([
      { factor: "status", points: -60, reason: "the lead is disqualified" },
      { factor: "domain", points: -5, reason: "no company domain" }
    ])
    expect(result.score).toBe(0)
    expect(result.grade).toBe("D")
  })

  it("grades at the thresholds", () => {
    expect([100, 75, 74, 55, 54, 35, 34, 0].map((s) => gradeFor(s, model))).toEqual([
      "A",
      "A",
      "B",
      "B",
      "C",
      "C",
      "D",
      "D"
    ])
  })
})

describe("ScoringModel", () => {
  const encoded = Schema.encodeSync(ScoringModel)(defaultScoringModel)
  const decode = Schema.decodeUnknownEither(ScoringModel)

  it("the default model round-trips through its schema", () => {
    const decoded = decode(JSON.parse(JSON.stringify(encoded)))
    expect(Either.isRight(decoded)).toBe(true)
  })

  it.each([
    ["thresholds out of order", { thresholds: { A: 50, B: 60, C: 10 } }, "thresholds must descend: A > B > C"],
    ["a positive penalty", { penalties: { disqualified: 10, lost: -20, noDomain: -5 } }, "disqualified"],
    ["a zero half-life", { engagement: { ...encoded.engagement, halfLifeDays: 0 } }, "halfLifeDays"],
    ["a lower-case country", { countries: [{ country: "de", points: 5 }] }, "ISO 3166-1 alpha-2"],
    ["an inverted size range", { employeeRanges: [{ min: 50, max: 10, points: 1 }] }, "max must be at least min"]
  ])("rejects %s, naming the problem", (_name, override, message) => {
    const result = decode({ ...encoded, ...override })
    expect(Either.isLeft(result)).toBe(true)
    if (Either.isLeft(result)) expect(String(result.left)).toContain(message)
  })

  it("a model's own weights change the score; the version is reported", () => {
    const custom = new ScoringModel({ ...defaultScoringModel, version: "custom-1", aiAdoptionWeight: 40 })
    const result = scoreLead({ domain: "acme.com", aiAdoptionScore: 50 }, custom, now)
    expect(result.factors).toEqual([{ factor: "ai_adoption", points: 20, reason: "AI adoption score 50/100" }])
    expect(result.modelVersion).toBe("custom-1")
  })
})
