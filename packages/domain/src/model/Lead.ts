import { Schema } from "effect"
import { Confidence, CountryCode, fieldNames, Provenance, Score, Timestamps, Version } from "./common.js"
import { LeadId, OrganizationId, UserId } from "./ids.js"
import { LeadStatus } from "./LeadStatus.js"
import { DateTime, NonNegativeInt4, SafeText, Text, TextLimits } from "./text.js"

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

/**
 * Where a lead is. The stored form reads any city and region, so a row written before the input limits existed
 * still loads; what a user or import submits is LocationInput.
 */
export class Location extends Schema.Class<Location>("Location")({
  city: Schema.optional(Schema.String),
  region: Schema.optional(Schema.String),
  country: CountryCode
}) {}

/** A location as submitted: storable text of bounded length (the limits show in the OpenAPI document). */
export const LocationInput = Schema.compose(
  Schema.Struct({
    city: Schema.optional(Text(TextLimits.personName)),
    region: Schema.optional(Text(TextLimits.personName)),
    country: CountryCode
  }),
  Location
)

export const Tag = SafeText.pipe(Schema.trimmed(), Schema.minLength(1), Schema.maxLength(TextLimits.tag))

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

/** At most this many tags and product interests on one lead. */
export const MAX_LEAD_LIST_ITEMS = 100

/**
 * The fields a user or import may set on a lead; everything else is derived. Every string has a maximum length and
 * must be storable text (SafeText); the employee count fits the int4 column that stores it.
 */
export const LeadFields = Schema.Struct({
  companyName: Text(TextLimits.name),
  domain: Schema.optional(Schema.NullOr(Text(TextLimits.domain))),
  website: Schema.optional(Schema.NullOr(Text(TextLimits.url))),
  industry: Schema.optional(Schema.NullOr(Text(TextLimits.industry))),
  employeeCount: Schema.optional(Schema.NullOr(NonNegativeInt4)),
  fundingStage: Schema.optional(Schema.NullOr(FundingStage)),
  location: Schema.optional(Schema.NullOr(LocationInput)),
  aiAdoptionScore: Schema.optional(Schema.NullOr(Score)),
  tags: Schema.optional(Schema.Array(Tag).pipe(Schema.maxItems(MAX_LEAD_LIST_ITEMS))),
  ownerId: Schema.optional(Schema.NullOr(UserId)),
  nextFollowUpAt: Schema.optional(Schema.NullOr(DateTime)),
  productInterests: Schema.optional(Schema.Array(Text(TextLimits.name)).pipe(Schema.maxItems(MAX_LEAD_LIST_ITEMS))),
  notes: Schema.optional(Schema.NullOr(Text(TextLimits.notes))),
  source: Schema.optional(LeadSource)
})
export type LeadFields = typeof LeadFields.Type

/** The names of LeadFields, in order: what an update may change and its audit event diffs. */
export const editableLeadFields = fieldNames(LeadFields.fields)

export const LeadPatch = Schema.partial(LeadFields)
export type LeadPatch = typeof LeadPatch.Type
