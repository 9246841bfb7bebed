import { Schema } from "effect"
import { OrganizationId } from "./ids.js"

export class Organization extends Schema.Class<Organization>("Organization")({
  id: OrganizationId,
  name: Schema.NonEmptyTrimmedString.pipe(Schema.maxLength(200)),
  createdAt: Schema.Date
}) {}
