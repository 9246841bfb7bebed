import { Schema } from "effect"
import { Confidence } from "./common.js"
import { DataSourceId, LeadId, OrganizationId } from "./ids.js"

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
