import { Schema } from "effect"
import type { Activity, ActivityKind } from "../model/Activity.js"
import type { Contact, EmailStatus, Seniority } from "../model/Contact.js"
import { CountryCode } from "../model/common.js"
import { FundingStage, type Grade, type Lead } from "../model/Lead.js"
import type { LeadStatus } from "../model/LeadStatus.js"

export interface ScoringInput {
  readonly industry?: string | null
  readonly employeeCount?: number | null
  readonly fundingStage?: FundingStage | null
  readonly country?: string | null
  readonly aiAdoptionScore?: number | null
  readonly productInterests?: ReadonlyArray<string>
  readonly domain?: string | null
  readonly status?: LeadStatus
  readonly contacts?: ReadonlyArray<{ readonly emailStatus: EmailStatus; readonly seniority: Seniority }>
  readonly activities?: ReadonlyArray<{ readonly kind: ActivityKind; readonly occurredAt: Date }>
}

export interface ScoreFactor {
  readonly factor: string
  readonly points: number
  readonly reason: string
}

export interface LeadScore {
  readonly score: number
  readonly grade: Grade
  readonly factors: ReadonlyArray<ScoreFactor>
  readonly modelVersion: string
}

const Points = Schema.Number.pipe(Schema.finite())
const Penalty = Schema.Number.pipe(Schema.finite(), Schema.nonPositive())

const EmployeeRange = Schema.Struct({
  min: Schema.Int.pipe(Schema.nonNegative()),
  /** Inclusive; null for open-ended. */
  max: Schema.NullOr(Schema.Int.pipe(Schema.nonNegative())),
  points: Points
}).pipe(Schema.filter((r) => r.max === null || r.max >= r.min || "max must be at least min"))

const EngagementPoints = Schema.Struct({
  email_sent: Points,
  email_replied: Points,
  meeting: Points,
  call: Points,
  note: Points
})

/**
 * A versioned scoring model: the ideal customer profile, engagement with exponential decay, contact quality,
 * penalties and grade thresholds. Data, not code: a new version is a new value.
 */
export class ScoringModel extends Schema.Class<ScoringModel>("ScoringModel")(
  Schema.Struct({
    version: Schema.NonEmptyTrimmedString,
    industries: Schema.Array(Schema.Struct({ industry: Schema.NonEmptyTrimmedString, points: Points })),
    employeeRanges: Schema.Array(EmployeeRange),
    fundingStages: Schema.Array(Schema.Struct({ stage: FundingStage, points: Points })),
    countries: Schema.Array(Schema.Struct({ country: CountryCode, points: Points })),
    products: Schema.Struct({
      names: Schema.Array(Schema.NonEmptyTrimmedString),
      pointsEach: Points,
      cap: Schema.Number.pipe(Schema.finite(), Schema.nonNegative())
    }),
    /** Points for an AI adoption score of 100; scaled linearly. */
    aiAdoptionWeight: Points,
    engagement: Schema.Struct({
      points: EngagementPoints,
      halfLifeDays: Schema.Number.pipe(Schema.finite(), Schema.positive()),
      cap: Schema.Number.pipe(Schema.finite(), Schema.nonNegative())
    }),
    contactQuality: Schema.Struct({
      verifiedDecisionMaker: Points,
      /** Applied when a lead has contacts and every one of them is risky or invalid. */
      riskyOnly: Penalty
    }),
    penalties: Schema.Struct({ disqualified: Penalty, lost: Penalty, noDomain: Penalty }),
    /** Minimum score for each grade; below C is D. */
    thresholds: Schema.Struct({
      A: Schema.Number.pipe(Schema.between(0, 100)),
      B: Schema.Number.pipe(Schema.between(0, 100)),
      C: Schema.Number.pipe(Schema.between(0, 100))
    })
  }).pipe(
    Schema.filter(
      (m) =>
        (m.thresholds.A > m.thresholds.B && m.thresholds.B > m.thresholds.C) || "thresholds must descend: A > B > C"
    )
  )
) {}

export const defaultScoringModel: ScoringModel = new ScoringModel({
  version: "2026-11-icp-ai-b2b-v1",
  industries: [
    { industry: "software", points: 15 },
    { industry: "saas", points: 15 },
    { industry: "fintech", points: 12 },
    { industry: "financial services", points: 10 },
    { industry: "healthcare", points: 8 },
    { industry: "e-commerce", points: 8 },
    { industry: "logistics", points: 6 },
    { industry: "manufacturing", points: 5 }
  ],
  employeeRanges: [
    { min: 1, max: 10, points: 2 },
    { min: 11, max: 50, points: 8 },
    { min: 51, max: 500, points: 15 },
    { min: 501, max: 5000, points: 10 },
    { min: 5001, max: null, points: 5 }
  ],
  fundingStages: [
    { stage: "seed", points: 4 },
    { stage: "series_a", points: 8 },
    { stage: "series_b", points: 10 },
    { stage: "series_c", points: 8 },
    { stage: "series_d_plus", points: 6 },
    { stage: "private_equity", points: 4 },
    { stage: "public", points: 4 }
  ],
  countries: [
    { country: "US", points: 6 },
    { country: "GB", points: 5 },
    { country: "DE", points: 5 },
    { country: "FR", points: 4 },
    { country: "NL", points: 4 },
    { country: "CA", points: 4 }
  ],
  products: { names: ["ai assistant", "lead research", "automation"], pointsEach: 3, cap: 6 },
  aiAdoptionWeight: 15,
  engagement: {
    points: { email_sent: 1, email_replied: 6, meeting: 10, call: 5, note: 0.5 },
    halfLifeDays: 30,
    cap: 20
  },
  contactQuality: { verifiedDecisionMaker: 10, riskyOnly: -8 },
  penalties: { disqualified: -60, lost: -20, noDomain: -5 },
  thresholds: { A: 75, B: 55, C: 35 }
})

interface Compiled {
  readonly industries: ReadonlyMap<string, { readonly points: number; readonly reason: string }>
  readonly funding: ReadonlyMap<string, { readonly points: number; readonly reason: string }>
  readonly countries: ReadonlyMap<string, { readonly points: number; readonly reason: string }>
  readonly products: ReadonlySet<string>
  readonly decayPerMs: number
  readonly engagementPoints: Readonly<Record<ActivityKind, number>>
  readonly employeeRanges: ReadonlyArray<{
    readonly min: number
    readonly max: number | null
    readonly points: number
    readonly reason: string
  }>
  /** Reasons for integer AI adoption scores, index = score. */
  readonly aiReasons: ReadonlyArray<string>
  readonly engagementSuffix: string
  readonly engagementCappedSuffix: string
}

const compiledModels = new WeakMap<ScoringModel, Compiled>()

const compile = (model: ScoringModel): Compiled => {
  let compiled = compiledModels.get(model)
  if (compiled === undefined) {
    const table = <K extends string>(
      rows: ReadonlyArray<{ readonly points: number }>,
      key: (i: number) => K,
      why: (k: K) => string
    ) => new Map(rows.map((row, i) => [key(i), { points: row.points, reason: why(key(i)) }] as const))
    compiled = {
      industries: table(
        model.industries,
        (i) => model.industries[i]!.industry.toLowerCase(),
        (k) => `industry ${k} is in the ideal profile`
      ),
      funding: table(
        model.fundingStages,
        (i) => model.fundingStages[i]!.stage,
        (k) => `funding stage ${k} fits the ideal profile`
      ),
      countries: table(
        model.countries,
        (i) => model.countries[i]!.country,
        (k) => `country ${k} is a target market`
      ),
      products: new Set(model.products.names.map((name) => name.toLowerCase())),
      decayPerMs: Math.LN2 / (model.engagement.halfLifeDays * 86_400_000),
      engagementPoints: model.engagement.points,
      employeeRanges: model.employeeRanges.map((range) => ({
        ...range,
        reason: `company size in the ${range.min}–${range.max ?? "∞"} employees range`
      })),
      aiReasons: Array.from({ length: 101 }, (_, score) => `AI adoption score ${score}/100`),
      engagementSuffix: `(half-life ${model.engagement.halfLifeDays} days)`,
      engagementCappedSuffix: `(half-life ${model.engagement.halfLifeDays} days, capped at ${model.engagement.cap})`
    }
    compiledModels.set(model, compiled)
  }
  return compiled
}

const round1 = (x: number) => Math.round(x * 10) / 10
/** `124` → "12.4", `-5` → "-0.5", `30` → "30": integer formatting is much cheaper than a double's toString. */
const formatTenths = (tenths: number): string => {
  const sign = tenths < 0 ? "-" : ""
  const abs = Math.abs(tenths)
  const whole = Math.floor(abs / 10)
  const rest = abs % 10
  return rest === 0 ? `${sign}${whole}` : `${sign}${whole}.${rest}`
}
const decisionMakers: ReadonlySet<Seniority> = new Set(["owner", "c_level", "vp", "head", "director"])

export const gradeFor = (score: number, model: ScoringModel): Grade =>
  score >= model.thresholds.A ? "A" : score >= model.thresholds.B ? "B" : score >= model.thresholds.C ? "C" : "D"

/**
 * Scores a lead against a model. `score` is exactly `clamp(round(Σ factors[i].points), 0, 100)`; only factors
 * that moved the score are listed. Activities dated after `now` count as happening now (no growth past full
 * weight); invalid dates count nothing.
 */
export const scoreLead = (input: ScoringInput, model: ScoringModel, now: Date): LeadScore => {
  const c = compile(model)
  const factors: Array<ScoreFactor> = []
  let sum = 0
  const add = (factor: string, points: number, reason: string) => {
    if (points !== 0 && Number.isFinite(points)) {
      factors.push({ factor, points, reason })
      sum += points
    }
  }

  if (input.industry) {
    const hit = c.industries.get(input.industry) ?? c.industries.get(input.industry.trim().toLowerCase())
    if (hit !== undefined) add("industry", hit.points, hit.reason)
  }
  const employees = input.employeeCount
  if (employees !== null && employees !== undefined) {
    for (const range of c.employeeRanges) {
      if (employees >= range.min && (range.max === null || employees <= range.max)) {
        add("company_size", range.points, range.reason)
        break
      }
    }
  }
  if (input.fundingStage) {
    const hit = c.funding.get(input.fundingStage)
    if (hit !== undefined) add("funding_stage", hit.points, hit.reason)
  }
  if (input.country) {
    const hit = c.countries.get(input.country.toUpperCase())
    if (hit !== undefined) add("country", hit.points, hit.reason)
  }
  const interests = input.productInterests
  if (interests !== undefined && interests.length > 0) {
    let matches = 0
    for (const interest of interests) if (c.products.has(interest.toLowerCase())) matches++
    if (matches > 0) {
      const points = Math.min(matches * model.products.pointsEach, model.products.cap)
      add("product_interest", points, `${matches} product interest(s) match the catalogue`)
    }
  }
  const ai = input.aiAdoptionScore
  if (ai !== null && ai !== undefined && Number.isFinite(ai)) {
    const clamped = Math.min(Math.max(ai, 0), 100)
    const reason = c.aiReasons[clamped] ?? `AI adoption score ${clamped}/100`
    add("ai_adoption", round1((clamped / 100) * model.aiAdoptionWeight), reason)
  }
  const activities = input.activities
  if (activities !== undefined && activities.length > 0) {
    const nowMs = now.getTime()
    let raw = 0
    let counted = 0
    for (const activity of activities) {
      const at = activity.occurredAt.getTime()
      const age = nowMs - at
      if (Number.isNaN(age)) continue // an invalid date on either side
      counted++
      raw += c.engagementPoints[activity.kind] * (age > 0 ? Math.exp(-c.decayPerMs * age) : 1)
    }
    const tenths = Math.round(Math.min(raw, model.engagement.cap) * 10)
    if (tenths !== 0) {
      add(
        "engagement",
        tenths / 10,
        `${counted} activities, decayed engagement ${formatTenths(tenths)} points ${raw > model.engagement.cap ? c.engagementCappedSuffix : c.engagementSuffix}`
      )
    }
  }
  const contacts = input.contacts
  if (contacts !== undefined && contacts.length > 0) {
    let verifiedDecisionMaker = false
    let allBad = true
    for (const contact of contacts) {
      if (contact.emailStatus === "valid" && decisionMakers.has(contact.seniority)) verifiedDecisionMaker = true
      if (contact.emailStatus !== "risky" && contact.emailStatus !== "invalid") allBad = false
    }
    if (verifiedDecisionMaker) {
      add("contact_quality", model.contactQuality.verifiedDecisionMaker, "a decision-maker with a verified email")
    } else if (allBad) {
      add("contact_quality", model.contactQuality.riskyOnly, "every contact's email is risky or invalid")
    }
  }
  if (input.status === "disqualified") add("status", model.penalties.disqualified, "the lead is disqualified")
  else if (input.status === "lost") add("status", model.penalties.lost, "the lead was lost")
  if (!input.domain) add("domain", model.penalties.noDomain, "no company domain")

  const rounded = Math.round(sum)
  const score = Math.min(Math.max(rounded, 0), 100)
  return { score, grade: gradeFor(score, model), factors, modelVersion: model.version }
}

/** The scoring view of a lead with its contacts and activities. */
export const scoringInputOf = (
  lead: Lead,
  contacts: ReadonlyArray<Contact>,
  activities: ReadonlyArray<Activity>
): ScoringInput => ({
  industry: lead.industry,
  employeeCount: lead.employeeCount,
  fundingStage: lead.fundingStage,
  country: lead.location?.country ?? null,
  aiAdoptionScore: lead.aiAdoptionScore,
  productInterests: lead.productInterests,
  domain: lead.domain,
  status: lead.status,
  contacts,
  activities
})
