import { Schema } from "effect"
import { OrganizationId, SessionId, UserId } from "./ids.js"

/** Why a session ended before its time. */
export const SessionEndReason = Schema.Literal("sign_out", "password_reset", "removed", "token_reuse", "locked")
export type SessionEndReason = typeof SessionEndReason.Type

/**
 * A person signed in, acting in one organization: a browser session (its cookie's token is stored as a SHA-256
 * hash) or the family of an API client's refresh tokens (`tokenHash` null; its refresh tokens point at it). The
 * role is not stored here: it is the membership's at every request, so a role change applies at once.
 */
export class Session extends Schema.Class<Session>("Session")({
  id: SessionId,
  userId: UserId,
  organizationId: OrganizationId,
  kind: Schema.Literal("cookie", "token"),
  tokenHash: Schema.NullOr(Schema.String),
  createdAt: Schema.Date,
  lastSeenAt: Schema.Date,
  /** The absolute end of the session, whatever its use. */
  expiresAt: Schema.Date,
  revokedAt: Schema.NullOr(Schema.Date),
  revokedReason: Schema.NullOr(SessionEndReason)
}) {}

/** How long sessions last: idle (since last use) and absolute (since sign-in), in milliseconds. */
export interface SessionPolicy {
  readonly idleMs: number
  readonly absoluteMs: number
}

/** The defaults: 12 hours idle, 7 days at most. */
export const defaultSessionPolicy: SessionPolicy = { idleMs: 12 * 3_600_000, absoluteMs: 7 * 86_400_000 }
