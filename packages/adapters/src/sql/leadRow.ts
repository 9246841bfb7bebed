import { FieldProvenance, Lead, Location, leadIdentity, type Provenance } from "@leadforge/domain"
import { ParseResult, Schema } from "effect"
import { json } from "./rows.js"

/**
 * The `leads` columns a Lead is stored in and read from, in one fixed order. The generated columns (`country`,
 * `search_tsv`) are left out: a lead never reads them back, and the tsvector alone is larger than the rest of a
 * row on the wire.
 */
export const LEAD_COLUMNS = [
  "id",
  "organization_id",
  "identity_key",
  "company_name",
  "domain",
  "website",
  "industry",
  "employee_count",
  "funding_stage",
  "location",
  "ai_adoption_score",
  "lead_score",
  "grade",
  "status",
  "source",
  "tags",
  "owner_id",
  "next_follow_up_at",
  "product_interests",
  "notes",
  "confidence",
  "provenance",
  "created_at",
  "updated_at",
  "version"
] as const

/** `id, organization_id, …`: the select list (a constant, never built from input). */
export const LEAD_SELECT_LIST = LEAD_COLUMNS.join(", ")

/** A `leads` row as both drivers return it without result renaming (snake_case keys). */
export interface LeadRecord {
  readonly id: string
  readonly organization_id: string
  readonly identity_key: string
  readonly company_name: string
  readonly domain: string | null
  readonly website: string | null
  readonly industry: string | null
  readonly employee_count: number | null
  readonly funding_stage: string | null
  readonly location: { readonly country: string; readonly city?: string; readonly region?: string } | null
  readonly ai_adoption_score: number | null
  readonly lead_score: number
  readonly grade: string
  readonly status: string
  readonly source: string
  readonly tags: ReadonlyArray<string>
  readonly owner_id: string | null
  readonly next_follow_up_at: Date | string | null
  readonly product_interests: ReadonlyArray<string>
  readonly notes: string | null
  readonly confidence: number
  readonly provenance: Record<string, { readonly observedAt: string }>
  readonly created_at: Date | string
  readonly updated_at: Date | string
  readonly version: number
}

/** `domain:acme.com` / `name:acme`; a lead the rule cannot identify is only identical to itself. */
export const identityKeyOf = (lead: Lead): string => leadIdentity(lead)?.key ?? `id:${lead.id}`

const toDate = (value: Date | string): Date => (value instanceof Date ? value : new Date(value))

const provenanceOf = (stored: LeadRecord["provenance"]): Provenance => {
  const out: Record<string, FieldProvenance> = {}
  for (const field in stored) {
    const entry = stored[field]!
    out[field] = new FieldProvenance({ ...entry, observedAt: new Date(entry.observedAt) } as FieldProvenance, true)
  }
  return out
}

/**
 * The Lead a row holds, built without re-validating it. Every row of `leads` was written from a Lead (valid by
 * construction: the repository, the import's COPY) under the table's constraints, so decoding it through the
 * Lead schema again only repeats checks that already passed — and on the hot reads (a point read, a list page of
 * 50) that decode was the largest cost after the database itself. A test checks this mapping against the
 * schema's decoding for every field shape.
 */
export const leadFromRow = (row: LeadRecord): Lead =>
  new Lead(
    {
      id: row.id,
      organizationId: row.organization_id,
      companyName: row.company_name,
      domain: row.domain,
      website: row.website,
      industry: row.industry,
      employeeCount: row.employee_count,
      fundingStage: row.funding_stage,
      location: row.location === null ? null : new Location(row.location as Location, true),
      aiAdoptionScore: row.ai_adoption_score,
      leadScore: row.lead_score,
      grade: row.grade,
      status: row.status,
      source: row.source,
      tags: row.tags,
      ownerId: row.owner_id,
      nextFollowUpAt: row.next_follow_up_at === null ? null : toDate(row.next_follow_up_at),
      productInterests: row.product_interests,
      notes: row.notes,
      confidence: row.confidence,
      provenance: provenanceOf(row.provenance),
      createdAt: toDate(row.created_at),
      updatedAt: toDate(row.updated_at),
      version: row.version
    } as Lead,
    true
  )

/**
 * The row for `lead`, in LEAD_COLUMNS order: the repository's parameters and the import's COPY rows. A Lead is valid
 * by construction, so its fields are written as they are (dates as ISO strings, jsonb columns as JSON text — what
 * Schema.encode(Lead) gives; a property test holds the two equal). `identityKey` defaults to the lead's own;
 * `score` replaces the lead's score and grade (the import scores a row without building a second Lead).
 */
export const leadParams = (
  lead: Lead,
  identityKey: string = identityKeyOf(lead),
  score?: { readonly score: number; readonly grade: Lead["grade"] }
): Array<unknown> => [
  lead.id,
  lead.organizationId,
  identityKey,
  lead.companyName,
  lead.domain,
  lead.website,
  lead.industry,
  lead.employeeCount,
  lead.fundingStage,
  json(lead.location),
  lead.aiAdoptionScore,
  score === undefined ? lead.leadScore : score.score,
  score === undefined ? lead.grade : score.grade,
  lead.status,
  lead.source,
  json(lead.tags),
  lead.ownerId,
  lead.nextFollowUpAt === null ? null : lead.nextFollowUpAt.toISOString(),
  json(lead.productInterests),
  lead.notes,
  lead.confidence,
  json(lead.provenance),
  lead.createdAt.toISOString(),
  lead.updatedAt.toISOString(),
  lead.version
]

/**
 * leadFromRow as a Result schema for SqlSchema: a `leads` row as read without result renaming (snake_case) to its
 * Lead. Only decoding is defined: a Lead is written through leadParams.
 */
export const LeadFromRow: Schema.Schema<Lead, LeadRecord> = Schema.transformOrFail(
  Schema.Unknown as Schema.Schema<LeadRecord>,
  Schema.declare((u): u is Lead => u instanceof Lead),
  {
    strict: true,
    decode: (row) => ParseResult.succeed(leadFromRow(row)),
    encode: (lead, _, ast) =>
      ParseResult.fail(new ParseResult.Forbidden(ast, lead, "a Lead is written with leadParams"))
  }
)
