import { Schema } from "effect"
import { Timestamps, Version } from "./common.js"
import { OrganizationId, ProductId } from "./ids.js"

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
