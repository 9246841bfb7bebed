import { Schema } from "effect"
import { Timestamps, Version } from "./common.js"
import { CampaignId, OrganizationId } from "./ids.js"
import { Money } from "./Money.js"

export const CampaignStatus = Schema.Literal("draft", "active", "paused", "completed", "archived")
export type CampaignStatus = typeof CampaignStatus.Type

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
