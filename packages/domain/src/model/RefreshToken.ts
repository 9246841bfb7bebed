import { Schema } from "effect"
import { SessionId } from "./ids.js"

/**
 * One refresh token of a token session (its family): stored as the SHA-256 hash of the token, used once. Using it
 * again revokes the session, and with it the whole family (OAuth 2.0 Security BCP §4.14, refresh token rotation).
 */
export class RefreshToken extends Schema.Class<RefreshToken>("RefreshToken")({
  tokenHash: Schema.String,
  sessionId: SessionId,
  createdAt: Schema.Date,
  expiresAt: Schema.Date,
  usedAt: Schema.NullOr(Schema.Date)
}) {}

/** Access tokens live 15 minutes; refresh tokens 7 days, each replaced at its use. */
export const ACCESS_TOKEN_LIFETIME_MS = 15 * 60_000
export const REFRESH_TOKEN_LIFETIME_MS = 7 * 86_400_000
