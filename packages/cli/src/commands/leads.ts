import { Args, Command, Options } from "@effect/cli"
import * as Runtime from "@leadforge/adapters/runtime"
import {
  changeLeadStatus,
  getLeadDetail,
  type Lead,
  LeadId,
  type LeadQuery,
  LeadRepository,
  LeadStatus,
  rescoreLead
} from "@leadforge/domain"
import { Effect, Option } from "effect"
import { crawlCommand } from "./crawl.js"
import { enrichCommand } from "./enrich.js"
import { CommandFailed, contextFor, emit, json, org, UsageError } from "./shared.js"

const leadId = Args.text({ name: "lead-id" }).pipe(
  Args.withSchema(LeadId),
  Args.withDescription("The lead's id (a UUID, as printed by `leads list`)")
)

const leadLine = (lead: Lead) =>
  [
    lead.id,
    String(lead.leadScore).padStart(3),
    lead.grade,
    lead.status.padEnd(12),
    lead.companyName,
    lead.domain === null ? "" : `(${lead.domain})`
  ].join("  ")

const statuses = ["new", "contacted", "qualified", "won", "lost", "disqualified"] as const

const list = Command.make(
  "list",
  {
    json,
    org,
    status: Options.choice("status", statuses).pipe(
      Options.withDescription("Only leads in this status"),
      Options.optional
    ),
    industry: Options.text("industry").pipe(Options.withDescription("Only leads in this industry"), Options.optional),
    country: Options.text("country").pipe(
      Options.withDescription("Only leads in this country (ISO 3166-1 alpha-2, e.g. DE)"),
      Options.optional
    ),
    minScore: Options.integer("min-score").pipe(
      Options.withDescription("Only leads scoring at least this (0-100)"),
      Options.optional
    ),
    search: Options.text("search").pipe(
      Options.withAlias("q"),
      Options.withDescription("Free text matched against company name and domain"),
      Options.optional
    ),
    sort: Options.choice("sort", ["score", "created"]).pipe(
      Options.withDescription("Order: highest score first, or newest first"),
      Options.withDefault("score" as const)
    ),
    limit: Options.integer("limit").pipe(
      Options.withDescription("How many leads to print (1-500)"),
      Options.withDefault(50)
    )
  },
  (args) =>
    Effect.gen(function* () {
      const ctx = yield* contextFor(args.org)
      const query: { -readonly [K in keyof LeadQuery]: LeadQuery[K] } = { sort: args.sort, limit: args.limit }
      if (Option.isSome(args.status)) query.status = [args.status.value]
      if (Option.isSome(args.industry)) query.industry = args.industry.value
      if (Option.isSome(args.country)) query.country = args.country.value.toUpperCase()
      if (Option.isSome(args.minScore)) query.minScore = args.minScore.value
      if (Option.isSome(args.search)) query.q = args.search.value
      const page = yield* (yield* LeadRepository).list(ctx.organizationId, query)
      if (!args.json && page.items.length === 0) yield* emit(false, null, () => "no leads")
      for (const lead of page.items) yield* emit(args.json, lead, () => leadLine(lead))
    }).pipe(Effect.provide(Runtime.persistence))
).pipe(Command.withDescription("List leads, best score first (filters: --status --industry --country --min-score -q)"))

const get = Command.make("get", { json, org, leadId }, (args) =>
  Effect.gen(function* () {
    const ctx = yield* contextFor(args.org)
    const { lead, contacts, activities } = yield* getLeadDetail(ctx, args.leadId).pipe(
      Effect.catchTag("LeadNotFound", () => new CommandFailed({ message: `no lead with id ${args.leadId}` }))
    )
    yield* emit(args.json, { ...lead, contacts, activities }, () => [
      `${lead.companyName}  ${lead.id}`,
      `  domain      ${lead.domain ?? "-"}`,
      `  website     ${lead.website ?? "-"}`,
      `  industry    ${lead.industry ?? "-"}`,
      `  employees   ${lead.employeeCount ?? "-"}`,
      `  funding     ${lead.fundingStage ?? "-"}`,
      `  location    ${lead.location === null ? "-" : [lead.location.city, lead.location.region, lead.location.country].filter(Boolean).join(", ")}`,
      `  score       ${lead.leadScore} (grade ${lead.grade})`,
      `  status      ${lead.status}`,
      `  source      ${lead.source}`,
      `  tags        ${lead.tags.join(", ") || "-"}`,
      `  version     ${lead.version}`,
      `  contacts    ${contacts.length}`,
      ...contacts.map((c) =>
        `    ${c.fullName || "(no name)"} <${c.email ?? "no email"}> ${c.emailStatus} ${c.jobTitle ?? ""}`.trimEnd()
      ),
      `  activities  ${activities.length}`
    ])
  }).pipe(Effect.provide(Runtime.persistence))
).pipe(Command.withDescription("Show one lead with its contacts"))

const score = Command.make(
  "score",
  {
    json,
    org,
    explain: Options.boolean("explain").pipe(Options.withDescription("List every factor that makes up the score")),
    leadId
  },
  (args) =>
    Effect.gen(function* () {
      const ctx = yield* contextFor(args.org)
      const { lead, score } = yield* rescoreLead(ctx, args.leadId)
      const value = {
        leadId: lead.id,
        score: score.score,
        grade: score.grade,
        modelVersion: score.modelVersion,
        ...(args.explain ? { factors: score.factors } : {})
      }
      yield* emit(args.json, value, () => [
        `${lead.companyName}: ${score.score} (grade ${score.grade}, model ${score.modelVersion})`,
        ...(args.explain
          ? score.factors.map((f) => `  ${f.points >= 0 ? "+" : ""}${f.points}  ${f.factor}: ${f.reason}`)
          : [])
      ])
    }).pipe(Effect.provide(Runtime.persistence))
).pipe(Command.withDescription("Rescore a lead now and print its score (--explain: with every factor)"))

const status = Command.make(
  "status",
  {
    json,
    org,
    reopen: Options.boolean("reopen").pipe(Options.withDescription("Reopen a closed lead (won, lost, disqualified)")),
    leadId,
    to: Args.choice(
      statuses.map((s) => [s, s] as const),
      { name: "status" }
    ).pipe(Args.withSchema(LeadStatus), Args.withDescription(`The new status: ${statuses.join(", ")}`))
  },
  (args) =>
    Effect.gen(function* () {
      const ctx = yield* contextFor(args.org)
      const lead = yield* changeLeadStatus(ctx, args.leadId, args.to, { reopen: args.reopen })
      yield* emit(args.json, lead, () => `${lead.companyName} is now ${lead.status} (score ${lead.leadScore})`)
    }).pipe(Effect.provide(Runtime.persistence))
).pipe(
  Command.withDescription("Move a lead to another status (new → contacted → qualified → won | lost; disqualified)")
)

export const leadsCommand = Command.make("leads", {}, () =>
  Effect.fail(
    new UsageError({ message: "missing subcommand: list, get, score, status, enrich (see `leadforge leads --help`)" })
  )
).pipe(
  Command.withDescription("List, inspect, score and move leads"),
  Command.withSubcommands([list, get, score, status, enrichCommand, crawlCommand])
)
