import { Either, Schema } from "effect"
import { FieldIssue, toFieldIssues, ValidationFailed } from "../errors.js"
import { Lead, LeadFields } from "../model/Lead.js"
import { normalizeDomain } from "../rules/domain.js"

/** Decodes raw lead fields, reporting every failing field at once. */
export const decodeLeadFields = <A, I>(
  schema: Schema.Schema<A, I>,
  input: unknown
): Either.Either<A, ValidationFailed> =>
  Schema.decodeUnknownEither(schema, { errors: "all", onExcessProperty: "ignore" })(input).pipe(
    Either.mapLeft((error) => new ValidationFailed({ entity: "lead", issues: toFieldIssues(error) }))
  )

/**
 * LeadFields as the use cases receive them: values already decoded (by the HTTP contract, the typed client, an
 * import's row decoder) or written in code. They differ from the wire form only where a field's type is not JSON:
 * `nextFollowUpAt` is a Date here, and decoding it again as an ISO string refused every date (422 "Expected string").
 */
export const LeadFieldValues = Schema.Struct({
  ...LeadFields.fields,
  nextFollowUpAt: Schema.optional(Schema.NullOr(Schema.ValidDateFromSelf))
})

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

/** The Lead schema's checks, compiled once: building the struct per call cost most of a large import's time. */
const validateLead = Schema.validateEither(Schema.Struct(Lead.fields), { errors: "all" })

/** Builds the lead, failing with every issue found by normalization and by the Lead schema. */
export const buildLead = (
  props: ConstructorParameters<typeof Lead>[0],
  issues: ReadonlyArray<FieldIssue>
): Either.Either<Lead, ValidationFailed> => {
  const checked = validateLead(props)
  const all = [...issues, ...(Either.isLeft(checked) ? toFieldIssues(checked.left) : [])]
  if (all.length > 0) return Either.left(new ValidationFailed({ entity: "lead", issues: all }))
  return Either.right(new Lead(props, { disableValidation: true }))
}

/**
 * Of the Lead schema's checks, the ones normalizeLeadFields can break on fields LeadFields has already decoded:
 * trimming can leave the company name empty (or, trimmed, it may still be too long). Everything else it returns is
 * either passed through as decoded or made by a rule whose result the schema accepts by construction.
 */
const validateNormalized = Schema.validateEither(Schema.Struct({ companyName: Lead.fields.companyName }), {
  errors: "all"
})

/**
 * buildLead for the bulk path: `props` holds fields that LeadFields decoded and normalizeLeadFields normalized, and
 * system values the caller made itself (a fresh id, its organization, provenance, timestamps, version). Only the
 * checks normalization can break are run again; the whole Lead schema over every row of an import was a third of its
 * per-row cost. On such input it returns exactly what buildLead returns (a property test holds the two together).
 */
export const buildDecodedLead = (
  props: ConstructorParameters<typeof Lead>[0],
  issues: ReadonlyArray<FieldIssue>
): Either.Either<Lead, ValidationFailed> => {
  const checked = validateNormalized({ companyName: props.companyName })
  if (Either.isLeft(checked)) {
    return Either.left(new ValidationFailed({ entity: "lead", issues: [...issues, ...toFieldIssues(checked.left)] }))
  }
  if (issues.length > 0) return Either.left(new ValidationFailed({ entity: "lead", issues }))
  return Either.right(new Lead(props, { disableValidation: true }))
}

const textOrNull = (value: unknown): string | null | undefined =>
  typeof value === "string" || value === null ? value : undefined

/**
 * The lead's own rules (a company name that trims to nothing or is too long, a domain or website with no registrable
 * domain) over the fields of raw input that are text, whatever the rest of it holds: when the input fails its
 * schema, these are reported with the schema's issues, so one response names every failing field. For a patch
 * (`partial`), only the fields it sets are checked, and a website only together with a domain: without one, whether
 * the website must give the domain depends on the lead as stored.
 */
export const leadRuleIssues = (input: unknown, partial: boolean): Array<FieldIssue> => {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return []
  const raw = input as Record<string, unknown>
  const issues: Array<FieldIssue> = []
  const companyName = raw.companyName
  if (typeof companyName === "string") {
    const checked = validateNormalized({ companyName: companyName.trim() })
    if (Either.isLeft(checked)) issues.push(...toFieldIssues(checked.left))
  }
  const domain = textOrNull(raw.domain)
  const website = textOrNull(raw.website)
  if (domain !== undefined || (website !== undefined && !partial)) {
    const { issues: normalization } = normalizeLeadFields({
      companyName: "",
      ...(domain === undefined ? {} : { domain }),
      ...(website === undefined ? {} : { website })
    })
    issues.push(...normalization)
  }
  return issues
}
