import { Schema } from "effect"
import { OneTimeLinkId, OrganizationId, UserId } from "./ids.js"
import { Role } from "./Role.js"

/**
 * A secret link handed on by hand (there is no email server): an invitation to an organization with a role, or a
 * password reset for one user. Only the SHA-256 hash of its token is stored; it works once, until `expiresAt`.
 * An invitation's `email` is null when anyone holding it may choose the address (the first admin's, at first start).
 */
export class OneTimeLink extends Schema.Class<OneTimeLink>("OneTimeLink")({
  id: OneTimeLinkId,
  kind: Schema.Literal("invitation", "password_reset"),
  tokenHash: Schema.String,
  organizationId: OrganizationId,
  email: Schema.NullOr(Schema.String),
  role: Schema.NullOr(Role),
  userId: Schema.NullOr(UserId),
  createdAt: Schema.Date,
  expiresAt: Schema.Date,
  usedAt: Schema.NullOr(Schema.Date)
}) {}

/** Invitations last 48 hours, reset links 24. */
export const INVITATION_LIFETIME_MS = 48 * 3_600_000
export const PASSWORD_RESET_LIFETIME_MS = 24 * 3_600_000
