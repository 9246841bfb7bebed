import { Effect, Option, Redacted } from "effect"
import {
  EntityNotFound,
  InvalidCredentials,
  NoMembership,
  SessionExpired,
  SessionRevoked,
  SessionUnknown,
  SignInThrottled
} from "../errors.js"
import { Actor } from "../model/common.js"
import { newId, type OrganizationId, type SessionId, type UserId } from "../model/ids.js"
import { Session, type SessionPolicy } from "../model/Session.js"
import { emailKey, User } from "../model/User.js"
import { MembershipRepository } from "../ports/MembershipRepository.js"
import { RateLimitStore, type TokenBucket } from "../ports/RateLimitStore.js"
import { SessionRepository } from "../ports/SessionRepository.js"
import { UserRepository } from "../ports/UserRepository.js"
import { generateSecret, hashSecret } from "../rules/apiKey.js"
import { csrfTokenFor, SESSION_TOKEN_PATTERN, SESSION_TOUCH_INTERVAL_MS, sessionStateAt } from "../rules/session.js"
import { audit, currentDate, transactionally, type UseCaseContext } from "./UseCaseContext.js"
import { verifyCredentials } from "./users.js"

/** Limits on signing in: the temporary lock, and token buckets per account and per client address. */
export interface SignInPolicy {
  /** Consecutive failures that lock the account… */
  readonly lockAfter: number
  /** …for this long (an admin can lift it sooner). */
  readonly lockMs: number
  readonly perAccount: TokenBucket
  readonly perAddress: TokenBucket
}

export const defaultSignInPolicy: SignInPolicy = {
  lockAfter: 5,
  lockMs: 15 * 60_000,
  perAccount: { capacity: 10, refillPerSecond: 1 / 60 },
  perAddress: { capacity: 30, refillPerSecond: 0.5 }
}

/** The context of a signed-in user acting in an organization. */
export const userContext = (organizationId: OrganizationId, userId: UserId): UseCaseContext => ({
  organizationId,
  actor: new Actor({ type: "user", id: userId })
})

/** Takes one attempt from the account's and the address's buckets; SignInThrottled when either is empty. */
const throttle = (email: string, clientAddress: string, policy: SignInPolicy) =>
  Effect.gen(function* () {
    const store = yield* RateLimitStore
    const [byAddress, byAccount] = yield* Effect.all([
      store.take(`sign-in:address:${clientAddress}`, policy.perAddress),
      store.take(`sign-in:account:${hashSecret(emailKey(email))}`, policy.perAccount)
    ])
    if (!byAddress.allowed || !byAccount.allowed) {
      return yield* new SignInThrottled({ retryAfter: Math.max(byAddress.retryAfter, byAccount.retryAfter, 1) })
    }
  })

/**
 * A failed attempt on an existing account, committed on its own (the sign-in then fails): the failure is counted,
 * the account locked at `lockAfter`, and `sign_in_failed` audited in each of its organizations (never the password).
 */
const recordFailure = (user: User, reason: "wrong_password" | "locked", policy: SignInPolicy) =>
  Effect.gen(function* () {
    const now = yield* currentDate
    const failures = reason === "locked" ? user.failedSignIns : user.failedSignIns + 1
    const locks = reason === "wrong_password" && failures >= policy.lockAfter
    if (reason === "wrong_password") {
      yield* (yield* UserRepository).update(
        new User({
          ...user,
          failedSignIns: locks ? 0 : failures,
          lockedUntil: locks ? new Date(now.getTime() + policy.lockMs) : user.lockedUntil,
          updatedAt: now
        })
      )
    }
    for (const { organization } of yield* (yield* MembershipRepository).organizationsOf(user.id)) {
      yield* audit(userContext(organization.id, user.id), "sign_in_failed", "user", user.id, {
        reason,
        ...(locks ? { lockedUntil: new Date(now.getTime() + policy.lockMs).toISOString() } : {})
      })
    }
  }).pipe(transactionally)

/** What a successful sign-in hands back: the session, its secret (shown once) and where the user acts. */
export interface SignedIn {
  readonly session: Session
  /** The cookie's value (browser sessions); null for token sessions, whose secrets are the refresh tokens. */
  readonly token: Redacted.Redacted<string> | null
  readonly csrfToken: string | null
  readonly user: User
  readonly role: "admin" | "member" | "viewer"
  readonly organizationName: string
}

/**
 * Signs a person in: throttled per account and per address, the same InvalidCredentials (after the same hashing
 * work) for an unknown email, a wrong password and a locked account; then a session of `kind` in the requested
 * organization (else the oldest membership), audited as `sign_in`. NoMembership when the password is right but
 * the account belongs to no (such) organization.
 */
export const signIn = (
  input: {
    readonly email: string
    readonly password: Redacted.Redacted<string>
    readonly organizationId?: OrganizationId | undefined
    readonly clientAddress: string
    readonly kind: "cookie" | "token"
  },
  policies: { readonly signIn: SignInPolicy; readonly session: SessionPolicy }
) =>
  Effect.gen(function* () {
    yield* throttle(input.email, input.clientAddress, policies.signIn)
    const { user: found, valid } = yield* verifyCredentials(input.email, input.password)
    if (Option.isNone(found)) return yield* new InvalidCredentials()
    const user = found.value
    const now = yield* currentDate
    if (user.isLockedAt(now)) {
      yield* recordFailure(user, "locked", policies.signIn)
      return yield* new InvalidCredentials()
    }
    if (!valid) {
      yield* recordFailure(user, "wrong_password", policies.signIn)
      return yield* new InvalidCredentials()
    }
    return yield* startSession(user, input, policies.session)
  }).pipe(Effect.withSpan("signIn"))

const startSession = (
  user: User,
  input: { readonly organizationId?: OrganizationId | undefined; readonly kind: "cookie" | "token" },
  policy: SessionPolicy
) =>
  Effect.gen(function* () {
    const now = yield* currentDate
    const memberships = yield* (yield* MembershipRepository).organizationsOf(user.id)
    const chosen =
      input.organizationId === undefined
        ? memberships[0]
        : memberships.find((m) => m.organization.id === input.organizationId)
    if (chosen === undefined) return yield* new NoMembership()
    if (user.failedSignIns > 0 || user.lockedUntil !== null) {
      yield* (yield* UserRepository).update(new User({ ...user, failedSignIns: 0, lockedUntil: null, updatedAt: now }))
    }
    const token = input.kind === "cookie" ? generateSecret("lfs_") : null
    const session = yield* (yield* SessionRepository).insert(
      new Session({
        id: newId<SessionId>(),
        userId: user.id,
        organizationId: chosen.organization.id,
        kind: input.kind,
        tokenHash: token === null ? null : hashSecret(token),
        createdAt: now,
        lastSeenAt: now,
        expiresAt: new Date(now.getTime() + policy.absoluteMs),
        revokedAt: null,
        revokedReason: null
      })
    )
    yield* audit(userContext(session.organizationId, user.id), "sign_in", "session", session.id, { kind: input.kind })
    return {
      session,
      token: token === null ? null : Redacted.make(token),
      csrfToken: token === null ? null : csrfTokenFor(token),
      user,
      role: chosen.membership.role,
      organizationName: chosen.organization.name
    } satisfies SignedIn as SignedIn
  }).pipe(transactionally)

/** A session's state checked at now: SessionRevoked (also when its member was removed) or SessionExpired. */
export const checkSession = (
  found: Option.Option<{ readonly session: Session; readonly role: string | null }>,
  policy: SessionPolicy
) =>
  Effect.gen(function* () {
    if (Option.isNone(found)) return yield* new SessionUnknown()
    const { session, role } = found.value
    const state = sessionStateAt(session, yield* currentDate, policy)
    if (state === "revoked" || role === null) return yield* new SessionRevoked()
    if (state === "expired") return yield* new SessionExpired()
    return found.value as { readonly session: Session; readonly role: "admin" | "member" | "viewer" }
  })

/**
 * The browser session whose cookie holds `token`, with the role its user has now: SessionUnknown for a malformed
 * or unknown token, SessionRevoked, SessionExpired (idle or absolute). Last use is recorded at most once a minute.
 */
export const authenticateSession = (token: string, policy: SessionPolicy) =>
  Effect.gen(function* () {
    if (!SESSION_TOKEN_PATTERN.test(token)) return yield* new SessionUnknown()
    const sessions = yield* SessionRepository
    const resolved = yield* checkSession(yield* sessions.findByTokenHash(hashSecret(token)), policy)
    const now = yield* currentDate
    if (now.getTime() - resolved.session.lastSeenAt.getTime() >= SESSION_TOUCH_INTERVAL_MS) {
      yield* sessions.touch(resolved.session.id, now)
    }
    return resolved
  }).pipe(Effect.withSpan("authenticateSession"))

/** Ends a session (every browser holding its cookie is signed out), audited as `sign_out`. */
export const signOut = (ctx: UseCaseContext, sessionId: SessionId) =>
  Effect.gen(function* () {
    const revoked = yield* (yield* SessionRepository).revoke(sessionId, yield* currentDate, "sign_out")
    if (revoked) yield* audit(ctx, "sign_out", "session", sessionId, {})
    return revoked
  }).pipe(transactionally, Effect.withSpan("signOut"))

/**
 * Lifts the temporary lock of a member of the caller's organization (and forgets its failures), audited as
 * `unlock user`. EntityNotFound when the user is not a member there.
 */
export const unlockUser = (ctx: UseCaseContext, userId: UserId) =>
  Effect.gen(function* () {
    const membership = yield* (yield* MembershipRepository).find(ctx.organizationId, userId)
    const users = yield* UserRepository
    const user = Option.isSome(membership) ? yield* users.findById(userId) : Option.none()
    if (Option.isNone(user)) return yield* new EntityNotFound({ entity: "user", id: userId })
    const wasLocked = user.value.isLockedAt(yield* currentDate)
    yield* users.update(new User({ ...user.value, failedSignIns: 0, lockedUntil: null, updatedAt: yield* currentDate }))
    yield* audit(ctx, "unlock", "user", userId, { wasLocked })
    return user.value
  }).pipe(transactionally, Effect.withSpan("unlockUser"))
