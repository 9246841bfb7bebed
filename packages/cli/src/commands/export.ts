import { Command, Options } from "@effect/cli"
import * as SqlClient from "@effect/sql/SqlClient"
import * as Runtime from "@leadforge/adapters/runtime"
import type { OrganizationId } from "@leadforge/domain"
import { Effect, Option } from "effect"
import { BULK_HEAP_GROWING_PERCENT, withHeapGrowingPercent } from "../heap.js"
import { csvLine } from "../import/report.js"
import { contextFor, org, UsageError, writeLines } from "./shared.js"

const PAGE = 1000

const leadColumns = [
  "company_name",
  "domain",
  "website",
  "industry",
  "employee_count",
  "funding_stage",
  "country",
  "city",
  "region",
  "ai_adoption_score",
  "tags",
  "product_interests",
  "notes",
  "lead_score",
  "grade",
  "status",
  "id",
  "created_at"
] as const

const contactColumns = [
  "first_name",
  "last_name",
  "email",
  "job_title",
  "phone",
  "linkedin_url",
  "company_domain",
  "company_name",
  "email_status",
  "seniority",
  "department",
  "id",
  "created_at"
] as const

type Row = Record<string, unknown>

/**
 * What a page reads: the columns the records are made of and no more (not provenance, nor the generated
 * tsvector, which together are most of a stored row). Country, city and region come out of `location`; a
 * contact's company columns come from its lead.
 */
const LEAD_SELECT = [
  ...leadColumns.filter((column) => column !== "country" && column !== "city" && column !== "region"),
  "location"
]
  .map((column) => `l.${column}`)
  .join(", ")

const CONTACT_SELECT = contactColumns
  .filter((column) => column !== "company_domain" && column !== "company_name")
  .map((column) => `c.${column}`)
  .join(", ")

const parseJson = (value: unknown): unknown => (typeof value === "string" ? JSON.parse(value) : value)

const leadRecord = (row: Row): Row => {
  const location = (parseJson(row.location) ?? null) as { country?: string; city?: string; region?: string } | null
  return {
    company_name: row.companyName,
    domain: row.domain,
    website: row.website,
    industry: row.industry,
    employee_count: row.employeeCount,
    funding_stage: row.fundingStage,
    country: location?.country ?? null,
    city: location?.city ?? null,
    region: location?.region ?? null,
    ai_adoption_score: row.aiAdoptionScore,
    tags: parseJson(row.tags) ?? [],
    product_interests: parseJson(row.productInterests) ?? [],
    notes: row.notes,
    lead_score: row.leadScore,
    grade: row.grade,
    status: row.status,
    id: row.id,
    created_at: row.createdAt instanceof Date ? row.createdAt.toISOString() : row.createdAt
  }
}

const contactRecord = (row: Row): Row => ({
  first_name: row.firstName,
  last_name: row.lastName,
  email: row.email,
  job_title: row.jobTitle,
  phone: row.phone,
  linkedin_url: row.linkedinUrl,
  company_domain: row.companyDomain,
  company_name: row.companyName,
  email_status: row.emailStatus,
  seniority: row.seniority,
  department: row.department,
  id: row.id,
  created_at: row.createdAt instanceof Date ? row.createdAt.toISOString() : row.createdAt
})

const csvValue = (value: unknown): string | number | null =>
  value === null || value === undefined
    ? null
    : Array.isArray(value)
      ? value.join(";")
      : typeof value === "number"
        ? value
        : String(value)

interface Filters {
  readonly status: Option.Option<string>
  readonly industry: Option.Option<string>
  readonly country: Option.Option<string>
  readonly minScore: Option.Option<number>
}

export const exportCommand = Command.make(
  "export",
  {
    org,
    type: Options.choice("type", ["leads", "contacts"]).pipe(Options.withDescription("What to export")),
    format: Options.choice("format", ["csv", "ndjson"]).pipe(
      Options.withDescription("Output format (CSV with a header row, or one JSON object per line)"),
      Options.withDefault("csv" as const)
    ),
    status: Options.choice("status", ["new", "contacted", "qualified", "won", "lost", "disqualified"]).pipe(
      Options.withDescription("Only leads (or contacts of leads) in this status"),
      Options.optional
    ),
    industry: Options.text("industry").pipe(Options.withDescription("Only leads in this industry"), Options.optional),
    country: Options.text("country").pipe(
      Options.withDescription("Only leads in this country (alpha-2)"),
      Options.optional
    ),
    minScore: Options.integer("min-score").pipe(
      Options.withDescription("Only leads scoring at least this"),
      Options.optional
    )
  },
  (args) =>
    Effect.gen(function* () {
      if (Option.isSome(args.minScore) && (args.minScore.value < 0 || args.minScore.value > 100)) {
        return yield* new UsageError({ message: "--min-score must be between 0 and 100" })
      }
      const ctx = yield* contextFor(args.org)
      const sql = yield* SqlClient.SqlClient
      const columns = args.type === "leads" ? leadColumns : contactColumns
      const toRecord = args.type === "leads" ? leadRecord : contactRecord
      const filters: Filters = args
      const where = (alias: string) => {
        const parts = [sql`${sql.literal(alias)}.organization_id = ${ctx.organizationId as OrganizationId}`]
        if (Option.isSome(filters.status)) parts.push(sql`${sql.literal(alias)}.status = ${filters.status.value}`)
        if (Option.isSome(filters.industry)) parts.push(sql`${sql.literal(alias)}.industry = ${filters.industry.value}`)
        if (Option.isSome(filters.country)) {
          parts.push(sql`${sql.literal(alias)}.country = ${filters.country.value.toUpperCase()}`)
        }
        if (Option.isSome(filters.minScore))
          parts.push(sql`${sql.literal(alias)}.lead_score >= ${filters.minScore.value}`)
        return sql.and(parts)
      }
      const page = (after: string) =>
        args.type === "leads"
          ? sql<Row>`SELECT ${sql.literal(LEAD_SELECT)} FROM leads l
              WHERE ${where("l")} AND l.id > ${after} ORDER BY l.id LIMIT ${PAGE}`
          : sql<Row>`SELECT ${sql.literal(CONTACT_SELECT)}, l.domain AS company_domain, l.company_name AS company_name
              FROM contacts c JOIN leads l ON l.id = c.lead_id AND l.organization_id = c.organization_id
              WHERE ${where("l")} AND c.id > ${after} ORDER BY c.id LIMIT ${PAGE}`
      if (args.format === "csv") yield* writeLines([columns.join(",")])
      let after = "00000000-0000-0000-0000-000000000000"
      while (true) {
        const rows = yield* page(after)
        if (rows.length === 0) break
        const records = rows.map(toRecord)
        yield* writeLines(
          args.format === "csv"
            ? records.map((record) => csvLine(columns.map((column) => csvValue(record[column]))))
            : records.map((record) => JSON.stringify(record))
        )
        after = String(rows[rows.length - 1]?.id)
        if (rows.length < PAGE) break
      }
    }).pipe(withHeapGrowingPercent(BULK_HEAP_GROWING_PERCENT), Effect.provide(Runtime.persistence))
).pipe(
  Command.withDescription(
    "Stream every lead or contact of the organization to stdout as CSV or NDJSON (re-importable with `leadforge import`)"
  )
)
