import { Schema } from "effect"
import { Confidence, CountryCode, fieldNames, Provenance, Score, Timestamps, Version } from "./common.js"
import { LeadId, OrganizationId, UserId } from "./ids.js"
import { LeadStatus } from "./LeadStatus.js"

export const FundingStage = Schema.Literal(
  "bootstrapped",
  "pre_seed",
  "seed",
  "series_a",
  "series_b",
  "series_c",
  "series_d_plus",
  "private_equity",
  "public",
  "acquired"
)
export type FundingStage = typeof FundingStage.Type

export const Grade = Schema.Literal("A", "B", "C", "D")
export type Grade = typeof Grade.Type

export const LeadSource = Schema.Literal("manual", "import", "api", "enrichment", "research")
export type LeadSource = typeof LeadSource.Type

export class Location extends Schema.Class<Location>("Location")({
  city: Schema.optional(Schema.String),
  region: Schema.optional(Schema.String),
  country: CountryCode
}) {}

export const Tag = Schema.String.pipe(Schema.trimmed(), Schema.minLength(1), Schema.maxLength(64))

/** A company the team could sell to. */
export class Lead extends Schema.Class<Lead>("Lead")({
  id: LeadId,
  organizationId: OrganizationId,
  companyName: Schema.NonEmptyTrimmedString.pipe(Schema.maxLength(200)),
  /** Registrable domain (see normalizeDomain), lower-case ASCII. */
  domain: Schema.NullOr(Schema.String),
  website: Schema.NullOr(Schema.String),
  industry: Schema.NullOr(Schema.String),
  employeeCount: Schema.NullOr(Schema.Int.pipe(Schema.nonNegative())),
  fundingStage: Schema.NullOr(FundingStage),
  location: Schema.NullOr(Location),
  aiAdoptionScore: Schema.NullOr(Score),
  leadScore: Score,
  grade: Grade,
  status: LeadStatus,
  source: LeadSource,
  tags: Schema.Array(Tag),
  ownerId: Schema.NullOr(UserId),
  nextFollowUpAt: Schema.NullOr(Schema.Date),
  productInterests: Schema.Array(Schema.String),
  notes: Schema.NullOr(Schema.String),
  /** How sure we are of the record as a whole (source confidence), 0–100. */
  confidence: Confidence,
  provenance: Provenance,
  ...Timestamps,
  version: Version
}) {}

/** The fields a user or import may set on a lead; everything else is derived. */
export const LeadFields = Schema.Struct({
  companyName: Schema.String,
  domain: Schema.optional(Schema.NullOr(Schema.String)),
  website: Schema.optional(Schema.NullOr(Schema.String)),
  industry: Schema.optional(Schema.NullOr(Schema.String)),
  employeeCount: Schema.optional(Schema.NullOr(Schema.Int.pipe(Schema.nonNegative()))),
  fundingStage: Schema.optional(Schema.NullOr(FundingStage)),
  location: Schema.optional(Schema.NullOr(Location)),
  aiAdoptionScore: Schema.optional(Schema.NullOr(Score)),
  tags: Schema.optional(Schema.Array(Tag)),
  ownerId: Schema.optional(Schema.NullOr(UserId)),
  nextFollowUpAt: Schema.optional(Schema.NullOr(Schema.Date)),
  productInterests: Schema.optional(Schema.Array(Schema.String)),
  notes: Schema.optional(Schema.NullOr(Schema.String)),
  source: Schema.optional(LeadSource)
})
export type LeadFields = typeof LeadFields.Type

/** The names of LeadFields, in order: what an update may change and its audit event diffs. */
export const editableLeadFields = fieldNames(LeadFields.fields)

export const LeadPatch = Schema.partial(LeadFields)
export type LeadPatch = typeof LeadPatch.Type
