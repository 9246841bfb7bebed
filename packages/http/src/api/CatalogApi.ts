import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "@effect/platform"
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
  .add(HttpApiEndpoint.post("create", "/campaigns").setPayload(CampaignInput).addSuccess(Campaign, { status: 201 }))
  .add(HttpApiEndpoint.get("list", "/campaigns").setUrlParams(PageParams).addSuccess(pageOf(Campaign)))
  .add(HttpApiEndpoint.get("get", "/campaigns/:id").setPath(CampaignPath).addSuccess(Campaign))
  .add(
    HttpApiEndpoint.patch("update", "/campaigns/:id")
      .setPath(CampaignPath)
      .setHeaders(IfMatchHeaders)
      .setPayload(CampaignUpdate)
      .addSuccess(Campaign)
  )
  .add(HttpApiEndpoint.del("delete", "/campaigns/:id").setPath(CampaignPath).addSuccess(HttpApiSchema.NoContent))
  .middleware(Authentication)
  .prefix("/api/v1") {}

export class ProductsApi extends HttpApiGroup.make("products")
  .add(HttpApiEndpoint.post("create", "/products").setPayload(ProductInput).addSuccess(Product, { status: 201 }))
  .add(HttpApiEndpoint.get("list", "/products").setUrlParams(PageParams).addSuccess(pageOf(Product)))
  .add(HttpApiEndpoint.get("get", "/products/:id").setPath(ProductPath).addSuccess(Product))
  .add(
    HttpApiEndpoint.patch("update", "/products/:id")
      .setPath(ProductPath)
      .setHeaders(IfMatchHeaders)
      .setPayload(ProductUpdate)
      .addSuccess(Product)
  )
  .add(HttpApiEndpoint.del("delete", "/products/:id").setPath(ProductPath).addSuccess(HttpApiSchema.NoContent))
  .middleware(Authentication)
  .prefix("/api/v1") {}
