import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { Campaign, CampaignId, CampaignStatus, DateTime, Money, Text, TextLimits } from "@leadforge/domain"
import { Schema } from "effect"
import { Authentication } from "../../contract/Security.js"
import { IfMatchHeaders, PageParams, pageOf, reportAllStrict, VersionField } from "../../contract/schemas.js"

const campaignFields = {
  name: Text(TextLimits.name),
  status: Schema.optional(CampaignStatus),
  budget: Schema.optional(Schema.NullOr(Money)),
  startsAt: Schema.optional(Schema.NullOr(DateTime)),
  endsAt: Schema.optional(Schema.NullOr(DateTime))
}
export const CampaignInput = Schema.Struct(campaignFields).annotations(reportAllStrict)
export const CampaignUpdate = Schema.Struct({
  ...campaignFields,
  name: Schema.optional(campaignFields.name),
  version: Schema.optional(VersionField)
}).annotations(reportAllStrict)

const CampaignPath = Schema.Struct({ id: CampaignId })

export class CampaignsApi extends HttpApiGroup.make("campaigns")
  .add(
    HttpApiEndpoint.post("create", "/campaigns")
      .setPayload(CampaignInput)
      .addSuccess(Campaign, { status: 201 })
      .annotate(OpenApi.Summary, "Create a campaign")
  )
  .add(
    HttpApiEndpoint.get("list", "/campaigns")
      .setUrlParams(PageParams)
      .addSuccess(pageOf(Campaign))
      .annotate(OpenApi.Summary, "List campaigns")
  )
  .add(
    HttpApiEndpoint.get("get", "/campaigns/:id")
      .setPath(CampaignPath)
      .addSuccess(Campaign)
      .annotate(OpenApi.Summary, "Get a campaign")
  )
  .add(
    HttpApiEndpoint.patch("update", "/campaigns/:id")
      .setPath(CampaignPath)
      .setHeaders(IfMatchHeaders)
      .setPayload(CampaignUpdate)
      .addSuccess(Campaign)
      .annotate(OpenApi.Summary, "Update a campaign")
      .annotate(OpenApi.Description, "Needs If-Match (or `version` in the body); a stale version gets 412.")
  )
  .add(
    HttpApiEndpoint.del("delete", "/campaigns/:id")
      .setPath(CampaignPath)
      .addSuccess(HttpApiSchema.NoContent)
      .annotate(OpenApi.Summary, "Delete a campaign")
  )
  .middleware(Authentication)
  .prefix("/api/v1")
  .annotate(OpenApi.Description, "Marketing campaigns.") {}
