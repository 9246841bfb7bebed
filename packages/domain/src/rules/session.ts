import { sha256 } from "@noble/hashes/sha2.js"
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js"
import type { Session, SessionPolicy } from "../model/Session.js"

/** A session cookie's value: `lfs_` + 43 base64url characters (32 random bytes). */
export const SESSION_TOKEN_PATTERN = /^lfs_[A-Za-z0-9_-]{43}$/

/**
 * The session's CSRF token, sent back in the `X-CSRF-Token` header on unsafe requests. Derived from the session's
 * secret (HMAC-like, with a fixed label), so it is unique per session, unknowable without the cookie's value, and
 * needs no storage.
 */
export const csrfTokenFor = (sessionToken: string): string =>
  bytesToHex(sha256(utf8ToBytes(`leadforge csrf\n${sessionToken}`)))

export type SessionState = "active" | "revoked" | "expired"

/** What a session is at `now` under `policy`: revoked, expired (idle or absolute), or active. */
export const sessionStateAt = (session: Session, now: Date, policy: SessionPolicy): SessionState => {
  if (session.revokedAt !== null) return "revoked"
  const t = now.getTime()
  if (t >= session.expiresAt.getTime()) return "expired"
  if (t - session.lastSeenAt.getTime() >= policy.idleMs) return "expired"
  return "active"
}

/** When an active session ends if not used again: the earlier of its idle and absolute ends. */
export const sessionEndsAt = (session: Session, policy: SessionPolicy): Date =>
  new Date(Math.min(session.expiresAt.getTime(), session.lastSeenAt.getTime() + policy.idleMs))

/** Last use is written at most this often per session (the idle timeout is this coarse). */
export const SESSION_TOUCH_INTERVAL_MS = 60_000
