import { defaultScoringModel, type ScoringInput, scoreLead } from "../packages/domain/dist/index.js"
import { compare, measure } from "./harness.js"

const now = new Date("2026-11-23T12:00:00Z")
const day = 86_400_000
const inputs: ReadonlyArray<ScoringInput> = Array.from({ length: 64 }, (_, i) => ({
  industry: ["Software", "fintech", "retail", "SaaS"][i % 4]!,
  employeeCount: 20 + i * 37,
  fundingStage: (["seed", "series_a", "series_b", null] as const)[i % 4]!,
  country: ["US", "DE", "BR", "GB"][i % 4]!,
  aiAdoptionScore: (i * 13) % 101,
  productInterests: i % 2 === 0 ? ["AI Assistant", "crm"] : [],
  domain: i % 8 === 0 ? null : `acme${i}.com`,
  status: (["new", "contacted", "qualified", "lost"] as const)[i % 4]!,
  contacts: [
    { emailStatus: "valid", seniority: i % 3 === 0 ? "vp" : "manager" },
    { emailStatus: "risky", seniority: "director" },
    { emailStatus: "unverified", seniority: "senior" }
  ],
  activities: [
    { kind: "email_sent", occurredAt: new Date(now.getTime() - ((i % 7) + 1) * day) },
    { kind: "email_replied", occurredAt: new Date(now.getTime() - ((i % 11) + 2) * day) },
    { kind: "meeting", occurredAt: new Date(now.getTime() - ((i % 13) + 5) * day) },
    { kind: "call", occurredAt: new Date(now.getTime() - 40 * day) },
    { kind: "note", occurredAt: new Date(now.getTime() + day) }
  ]
}))

/**
 * The baseline: the same arithmetic over the same inputs with the weights inlined, returning only the number —
 * no model lookups, no factor list, no reasons. The ratio is the price of a data-driven, explained score.
 */
const industries: Record<string, number> = { software: 15, saas: 15, fintech: 12 }
const bare = (input: ScoringInput, nowMs: number): number => {
  let sum = industries[(input.industry ?? "").toLowerCase()] ?? 0
  const n = input.employeeCount ?? -1
  sum += n >= 51 && n <= 500 ? 15 : n > 10 && n <= 50 ? 8 : n > 500 ? 10 : 0
  sum += input.fundingStage === "series_b" ? 10 : input.fundingStage ? 6 : 0
  sum += input.country === "US" ? 6 : input.country ? 5 : 0
  sum += (input.productInterests?.length ?? 0) > 0 ? 3 : 0
  sum += ((input.aiAdoptionScore ?? 0) / 100) * 15
  let engagement = 0
  for (const a of input.activities ?? []) {
    const age = nowMs - a.occurredAt.getTime()
    engagement += (a.kind === "meeting" ? 10 : 3) * (age > 0 ? Math.exp((-Math.LN2 / (30 * 86_400_000)) * age) : 1)
  }
  sum += Math.min(engagement, 20)
  for (const c of input.contacts ?? []) if (c.emailStatus === "valid" && c.seniority === "vp") sum += 10
  if (input.status === "lost") sum -= 20
  if (!input.domain) sum -= 5
  return Math.min(Math.max(Math.round(sum), 0), 100)
}

export const run = () => {
  const nowMs = now.getTime()
  const baseline = measure("baseline: inlined arithmetic, number only", (i) => bare(inputs[i & 63]!, nowMs))
  const full = measure("scoreLead (3 contacts, 5 activities)", (i) =>
    scoreLead(inputs[i & 63]!, defaultScoringModel, now)
  )
  compare(full, baseline, 1_000_000)
}
