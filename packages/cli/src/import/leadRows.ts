import {
  buildDecodedLead,
  decodeLeadFields,
  type Lead,
  LeadFields,
  type LeadId,
  leadIdentity,
  newId,
  normalizeLeadFields,
  type OrganizationId
} from "@leadforge/domain"
import { Either } from "effect"
import { type DirectLeadField, directLeadFields, isBlank } from "./mapping.js"
import {
  countryCode,
  fundingStage,
  importedProvenance,
  integer,
  list,
  type Parsed,
  type RowIssue,
  text
} from "./values.js"

/** A row that passed validation: the lead it describes (not yet stored, not yet scored) and which fields it set. */
export interface PreparedLead {
  readonly row: number
  readonly lead: Lead
  readonly identityKey: string
  /** Lead fields the row gave a value for; only these are merged into an existing lead. */
  readonly fields: ReadonlyArray<keyof Lead & string>
}

/** Turns one mapped record into a validated lead draft, or every issue found. */
export const prepareLead = (
  row: number,
  record: Readonly<Record<string, unknown>>,
  organizationId: OrganizationId,
  now: Date
): Either.Either<PreparedLead, ReadonlyArray<RowIssue>> => {
  const issues: Array<RowIssue> = []
  const take = <A>(field: string, parsed: Parsed<A>): A | undefined => {
    if (parsed.ok) return parsed.value
    issues.push({ row, field, code: parsed.code, message: parsed.message })
    return undefined
  }
  const companyName = take("companyName", text(record.companyName))
  if (companyName === null) issues.push({ row, field: "companyName", code: "required", message: "is required" })
  const country = take("country", countryCode(record.country))
  const city = take("city", text(record.city))
  const region = take("region", text(record.region))
  if ((city || region) && !country) {
    if (country === null) {
      issues.push({ row, field: "country", code: "required", message: "is required when city or region is given" })
    }
  }
  // every field a row sets has its parser here: the type fails when the model gains one without it
  const input = {
    companyName: companyName ?? "",
    domain: take("domain", text(record.domain)),
    website: take("website", text(record.website)),
    industry: take("industry", text(record.industry)),
    employeeCount: take("employeeCount", integer(record.employeeCount, 0, 10_000_000)),
    fundingStage: take("fundingStage", fundingStage(record.fundingStage)),
    location: country ? { country, ...(city ? { city } : {}), ...(region ? { region } : {}) } : null,
    aiAdoptionScore: take("aiAdoptionScore", integer(record.aiAdoptionScore, 0, 100)),
    tags: take("tags", list(record.tags)),
    productInterests: take("productInterests", list(record.productInterests)),
    notes: take("notes", text(record.notes)),
    source: "import"
  } satisfies Record<DirectLeadField | "location" | "source", unknown>
  if (issues.length > 0) return Either.left(issues)
  const decoded = decodeLeadFields(LeadFields, input)
  if (Either.isLeft(decoded)) return Either.left(decoded.left.issues.map((i) => ({ row, ...i })))
  const { normalized, issues: normalizationIssues } = normalizeLeadFields(decoded.right)
  const fields = directLeadFields.filter((field) => !isBlank(record[field]))
  const present: Array<keyof Lead & string> = [...fields]
  if (!isBlank(record.domain) || !isBlank(record.website)) {
    if (!present.includes("domain")) present.push("domain")
  }
  if (country) present.push("location")
  const built = buildDecodedLead(
    {
      id: newId<LeadId>(),
      organizationId,
      ...normalized,
      leadScore: 0,
      grade: "D",
      status: "new",
      source: "import",
      confidence: 80,
      provenance: importedProvenance(present, now),
      createdAt: now,
      updatedAt: now,
      version: 1
    },
    normalizationIssues
  )
  if (Either.isLeft(built))
    return Either.left(built.left.issues.map((i) => ({ row, field: i.field, code: i.code, message: i.message })))
  const identity = leadIdentity(built.right)
  if (identity === null) {
    return Either.left([
      { row, field: "companyName", code: "no_identity", message: "has no letters or digits to identify the company by" }
    ])
  }
  return Either.right({ row, lead: built.right, identityKey: identity.key, fields: present })
}
