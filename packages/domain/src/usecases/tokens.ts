import { Effect, Option, Redacted } from "effect"
import { RefreshTokenInvalid, RefreshTokenReused, SessionExpired } from "../errors.js"
import { REFRESH_TOKEN_LIFETIME_MS, RefreshToken } from "../model/RefreshToken.js"
import type { Session, SessionPolicy } from "../model/Session.js"
import { AccessTokens } from "../ports/AccessTokens.js"
import { RefreshTokenRepository } from "../ports/RefreshTokenRepository.js"
import { SessionRepository } from "../ports/SessionRepository.js"
import { generateSecret, hashSecret } from "../rules/apiKey.js"
import { checkSession, type SignInPolicy, signIn, userContext } from "./sessions.js"
import { audit, currentDate, transactionally } from "./UseCaseContext.js"

/** An access token and the refresh token that replaces it, as an API client receives them. */
export interface IssuedTokens {
  readonly accessToken: Redacted.Redacted<string>
  readonly accessExpiresAt: Date
  readonly refreshToken: Redacted.Redacted<string>
  readonly refreshExpiresAt: Date
  readonly role: "admin" | "member" | "viewer"
  readonly session: Session
}

const mint = (session: Session, role: IssuedTokens["role"]) =>
  Effect.gen(function* () {
    const now = yield* currentDate
    const refresh = generateSecret("lfr_")
    const refreshExpiresAt = new Date(Math.min(now.getTime() + REFRESH_TOKEN_LIFETIME_MS, session.expiresAt.getTime()))
    yield* (yield* RefreshTokenRepository).insert(
      new RefreshToken({
        tokenHash: hashSecret(refresh),
        sessionId: session.id,
        createdAt: now,
        expiresAt: refreshExpiresAt,
        usedAt: null
      })
    )
    const access = yield* (yield* AccessTokens).issue({
      userId: session.userId,
      organizationId: session.organizationId,
      role,
      sessionId: session.id
    })
    return {
      accessToken: access.token,
      accessExpiresAt: access.expiresAt,
      refreshToken: Redacted.make(refresh),
      refreshExpiresAt,
      role,
      session
    } satisfies IssuedTokens as IssuedTokens
  })

/** Signs an API client in (the same checks, limits and audit as a browser sign-in) and issues its first tokens. */
export const issueTokens = (
  input: Omit<Parameters<typeof signIn>[0], "kind">,
  policies: { readonly signIn: SignInPolicy; readonly session: SessionPolicy }
) =>
  Effect.gen(function* () {
    const signedIn = yield* signIn({ ...input, kind: "token" }, policies)
    return yield* mint(signedIn.session, signedIn.role).pipe(transactionally)
  }).pipe(Effect.withSpan("issueTokens"))

/** Revokes a family whose token came back a second time, audited as `token_reuse`; committed on its own. */
const revokeFamily = (session: Session) =>
  Effect.gen(function* () {
    const revoked = yield* (yield* SessionRepository).revoke(session.id, yield* currentDate, "token_reuse")
    if (revoked) {
      yield* audit(userContext(session.organizationId, session.userId), "token_reuse", "session", session.id, {})
    }
  }).pipe(transactionally)

/**
 * Rotates a refresh token: the presented one is used up and a new access and refresh token are issued with the
 * role the member has now. A token used before revokes its whole family (RefreshTokenReused); a revoked or removed
 * session is SessionRevoked, an expired one SessionExpired. This is where signing out and removal reach API
 * clients: their access token works until it expires (15 minutes at most), and then no refresh is granted.
 */
export const refreshTokens = (presented: string, policy: SessionPolicy) =>
  Effect.gen(function* () {
    const tokens = yield* RefreshTokenRepository
    const sessions = yield* SessionRepository
    const found = yield* tokens.findByHash(hashSecret(presented.trim()))
    if (Option.isNone(found)) return yield* new RefreshTokenInvalid()
    const token = found.value
    const rotated = yield* Effect.gen(function* () {
      const now = yield* currentDate
      if (token.usedAt !== null || !(yield* tokens.markUsed(token.tokenHash, now))) return "reused" as const
      const { session, role } = yield* checkSession(yield* sessions.findById(token.sessionId), policy)
      if (now.getTime() >= token.expiresAt.getTime()) return yield* new SessionExpired()
      yield* sessions.touch(session.id, now)
      return yield* mint(session, role)
    }).pipe(transactionally)
    if (rotated !== "reused") return rotated
    // the revocation is committed on its own, before the failure is answered
    const family = yield* sessions.findById(token.sessionId)
    if (Option.isSome(family)) yield* revokeFamily(family.value.session)
    return yield* new RefreshTokenReused()
  }).pipe(Effect.withSpan("refreshTokens"))
