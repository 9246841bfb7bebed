import { Schema } from "effect"
import { OrganizationId, UserId } from "./ids.js"
import { Role } from "./Role.js"

/** A user's place in one organization: exactly one role there. */
export class Membership extends Schema.Class<Membership>("Membership")({
  userId: UserId,
  organizationId: OrganizationId,
  role: Role,
  createdAt: Schema.Date
}) {}
