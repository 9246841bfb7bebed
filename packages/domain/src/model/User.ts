import { Schema } from "effect"
import { OrganizationId, UserId } from "./ids.js"
import { Role } from "./Role.js"

export class User extends Schema.Class<User>("User")({
  id: UserId,
  organizationId: OrganizationId,
  email: Schema.String,
  name: Schema.String,
  role: Role,
  createdAt: Schema.Date
}) {}
