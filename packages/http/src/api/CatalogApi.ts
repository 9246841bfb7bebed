import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { Campaign, CampaignId, CampaignStatus, Money, Product, ProductId } from "@leadforge/domain"
import { Schema } from "effect"
import { Authentication } from "./Security.js"
import { IfMatchHeaders, Limit, pageOf, reportAll } from "./schemas.js"

const PageParams = Schema.Struct({
  limit: Schema.optionalWith(Limit, { exact: true }),
  cursor: Schema.optionalWith(Schema.String.pipe(Schema.maxLength(500)), { exact: true })
}).annotations(reportAll)

const campaignFields = {
  name: Schema.String,
  status: Schema.optional(CampaignStatus),
  budget: Schema.optional(Schema.NullOr(Money)),
  startsAt: Schema.optional(Schema.NullOr(Schema.Date)),
  endsAt: Schema.optional(Schema.NullOr(Schema.Date))
}
export const CampaignInput = Schema.Struct(campaignFields).annotations(reportAll)
export const CampaignUpdate = Schema.Struct({
  name: Schema.optional(Schema.String),
  status: Schema.optional(CampaignStatus),
  budget: Schema.optional(Schema.NullOr(Money)),
  startsAt: Schema.optional(Schema.NullOr(Schema.Date)),
  endsAt: Schema.optional(Schema.NullOr(Schema.Date)),
  version: Schema.optional(Schema.Int)
}).annotations(reportAll)

const productFields = {
  name: Schema.String,
  description: Schema.optional(Schema.NullOr(Schema.String)),
  category: Schema.optional(Schema.NullOr(Schema.String))
}
export const ProductInput = Schema.Struct(productFields).annotations(reportAll)
export const ProductUpdate = Schema.Struct({
  name: Schema.optional(Schema.String),
  description: Schema.optional(Schema.NullOr(Schema.String)),
  category: Schema.optional(Schema.NullOr(Schema.String)),
  version: Schema.optional(Schema.Int)
}).annotations(reportAll)

const CampaignPath = Schema.Struct({ id: CampaignId })
const ProductPath = Schema.Struct({ id: ProductId })

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

export class ProductsApi extends HttpApiGroup.make("products")
  .add(
    HttpApiEndpoint.post("create", "/products")
      .setPayload(ProductInput)
      .addSuccess(Product, { status: 201 })
      .annotate(OpenApi.Summary, "Create a product")
  )
  .add(
    HttpApiEndpoint.get("list", "/products")
      .setUrlParams(PageParams)
      .addSuccess(pageOf(Product))
      .annotate(OpenApi.Summary, "List products")
  )
  .add(
    HttpApiEndpoint.get("get", "/products/:id")
      .setPath(ProductPath)
      .addSuccess(Product)
      .annotate(OpenApi.Summary, "Get a product")
  )
  .add(
    HttpApiEndpoint.patch("update", "/products/:id")
      .setPath(ProductPath)
      .setHeaders(IfMatchHeaders)
      .setPayload(ProductUpdate)
      .addSuccess(Product)
      .annotate(OpenApi.Summary, "Update a product")
      .annotate(OpenApi.Description, "Needs If-Match (or `version` in the body); a stale version gets 412.")
  )
  .add(
    HttpApiEndpoint.del("delete", "/products/:id")
      .setPath(ProductPath)
      .addSuccess(HttpApiSchema.NoContent)
      .annotate(OpenApi.Summary, "Delete a product")
  )
  .middleware(Authentication)
  .prefix("/api/v1")
  .annotate(OpenApi.Description, "The organization's products.") {}
