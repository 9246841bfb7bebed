import { Schema } from "effect"
import { Confidence, Timestamps, Version } from "./common.js"
import { CampaignId, DataSourceId, LeadId, OrganizationId, ProductId } from "./ids.js"

export const DataSourceType = Schema.Literal(
  "website",
  "linkedin",
  "news",
  "registry",
  "manual",
  "import",
  "llm",
  "other"
)
export type DataSourceType = typeof DataSourceType.Type

/** Where a fact came from. */
export class DataSource extends Schema.Class<DataSource>("DataSource")({
  id: DataSourceId,
  organizationId: OrganizationId,
  leadId: Schema.NullOr(LeadId),
  type: DataSourceType,
  url: Schema.NullOr(Schema.String),
  rawPayload: Schema.Unknown,
  confidence: Confidence,
  fetchedAt: Schema.Date,
  createdAt: Schema.Date
}) {}

export const CampaignStatus = Schema.Literal("draft", "active", "paused", "completed", "archived")
export type CampaignStatus = typeof CampaignStatus.Type

export class Money extends Schema.Class<Money>("Money")({
  /** Minor units (cents). */
  amount: Schema.Int.pipe(Schema.nonNegative()),
  currency: Schema.String.pipe(Schema.pattern(/^[A-Z]{3}$/, { message: () => "must be an ISO 4217 code such as EUR" }))
}) {}

export class Campaign extends Schema.Class<Campaign>("Campaign")(
  Schema.Struct({
    id: CampaignId,
    organizationId: OrganizationId,
    name: Schema.NonEmptyTrimmedString.pipe(Schema.maxLength(200)),
    status: CampaignStatus,
    budget: Schema.NullOr(Money),
    startsAt: Schema.NullOr(Schema.Date),
    endsAt: Schema.NullOr(Schema.Date),
    ...Timestamps,
    version: Version
  }).pipe(
    Schema.filter((c) =>
      c.startsAt !== null && c.endsAt !== null && c.endsAt < c.startsAt
        ? { path: ["endsAt"], message: "must not be before startsAt" }
        : undefined
    )
  )
) {}

/** An offering a lead can be interested in. */
export class Product extends Schema.Class<Product>("Product")({
  id: ProductId,
  organizationId: OrganizationId,
  name: Schema.NonEmptyTrimmedString.pipe(Schema.maxLength(200)),
  description: Schema.NullOr(Schema.String),
  category: Schema.NullOr(Schema.String),
  ...Timestamps,
  version: Version
}) {}
