import { Either, ParseResult, Schema } from "effect"
import { FieldIssue, ValidationFailed } from "../errors.js"
import { Lead, type LeadFields } from "../model/Lead.js"
import { normalizeDomain } from "../rules/domain.js"

const issuesOf = (error: ParseResult.ParseError): Array<FieldIssue> =>
  ParseResult.ArrayFormatter.formatErrorSync(error).map(
    (issue) =>
      new FieldIssue({
        field: issue.path.length === 0 ? "(root)" : issue.path.map(String).join("."),
        code: issue._tag === "Missing" ? "required" : "invalid",
        message: issue.message
      })
  )

/** Decodes raw lead fields, reporting every failing field at once. */
export const decodeLeadFields = <A, I>(
  schema: Schema.Schema<A, I>,
  input: unknown
): Either.Either<A, ValidationFailed> =>
  Schema.decodeUnknownEither(schema, { errors: "all", onExcessProperty: "ignore" })(input).pipe(
    Either.mapLeft((error) => new ValidationFailed({ entity: "lead", issues: issuesOf(error) }))
  )

const trimOrNull = (value: string | null | undefined): string | null => {
  const trimmed = value?.trim() ?? ""
  return trimmed === "" ? null : trimmed
}

/** The normalized, user-settable part of a lead, plus the issues normalization found. */
export const normalizeLeadFields = (fields: LeadFields) => {
  const issues: Array<FieldIssue> = []
  const domainInput = trimOrNull(fields.domain)
  const website = trimOrNull(fields.website)
  const domain = normalizeDomain(domainInput ?? website)
  if (domainInput !== null && normalizeDomain(domainInput) === null) {
    issues.push(new FieldIssue({ field: "domain", code: "invalid_domain", message: "is not a registrable domain" }))
  } else if (domainInput === null && website !== null && domain === null) {
    issues.push(new FieldIssue({ field: "website", code: "invalid_domain", message: "has no registrable domain" }))
  }
  const normalized = {
    companyName: fields.companyName.trim(),
    domain,
    website,
    industry: trimOrNull(fields.industry),
    employeeCount: fields.employeeCount ?? null,
    fundingStage: fields.fundingStage ?? null,
    location: fields.location ?? null,
    aiAdoptionScore: fields.aiAdoptionScore ?? null,
    tags: Array.from(new Set((fields.tags ?? []).map((tag) => tag.trim()))),
    ownerId: fields.ownerId ?? null,
    nextFollowUpAt: fields.nextFollowUpAt ?? null,
    productInterests: fields.productInterests ?? [],
    notes: fields.notes ?? null
  }
  return { normalized, issues }
}

export const editableLeadFields = [
  "companyName",
  "domain",
  "website",
  "industry",
  "employeeCount",
  "fundingStage",
  "location",
  "aiAdoptionScore",
  "tags",
  "ownerId",
  "nextFollowUpAt",
  "productInterests",
  "notes",
  "source"
] as const

/** Builds the lead, failing with every issue found by normalization and by the Lead schema. */
/** The Lead schema's checks, compiled once: building the struct per call cost most of a large import's time. */
const validateLead = Schema.validateEither(Schema.Struct(Lead.fields), { errors: "all" })

export const buildLead = (
  props: ConstructorParameters<typeof Lead>[0],
  issues: ReadonlyArray<FieldIssue>
): Either.Either<Lead, ValidationFailed> => {
  const checked = validateLead(props)
  const all = [...issues, ...(Either.isLeft(checked) ? issuesOf(checked.left) : [])]
  if (all.length > 0) return Either.left(new ValidationFailed({ entity: "lead", issues: all }))
  return Either.right(new Lead(props, { disableValidation: true }))
}
