import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { Product, ProductId, Text, TextLimits } from "@leadforge/domain"
import { Schema } from "effect"
import { Authentication } from "../../contract/Security.js"
import { IfMatchHeaders, PageParams, pageOf, reportAllStrict, VersionField } from "../../contract/schemas.js"

const productFields = {
  name: Text(TextLimits.name),
  description: Schema.optional(Schema.NullOr(Text(TextLimits.description))),
  category: Schema.optional(Schema.NullOr(Text(TextLimits.industry)))
}
export const ProductInput = Schema.Struct(productFields).annotations(reportAllStrict)
export const ProductUpdate = Schema.Struct({
  name: Schema.optional(productFields.name),
  description: productFields.description,
  category: productFields.category,
  version: Schema.optional(VersionField)
}).annotations(reportAllStrict)

const ProductPath = Schema.Struct({ id: ProductId })

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
