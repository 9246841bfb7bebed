import { Effect, Option, Redacted } from "effect"
import {
  EntityNotFound,
  InvalidCredentials,
  LinkExpired,
  LinkUnknown,
  LinkUsed,
  UniqueConflict,
  ValidationFailed
} from "../errors.js"
import { newId, type OneTimeLinkId, type UserId } from "../model/ids.js"
import { Membership } from "../model/Membership.js"
import { INVITATION_LIFETIME_MS, OneTimeLink, PASSWORD_RESET_LIFETIME_MS } from "../model/OneTimeLink.js"
import type { Role } from "../model/Role.js"
import { User } from "../model/User.js"
import { MembershipRepository } from "../ports/MembershipRepository.js"
import { OneTimeLinkRepository } from "../ports/OneTimeLinkRepository.js"
import { SessionRepository } from "../ports/SessionRepository.js"
import { UserRepository } from "../ports/UserRepository.js"
import { generateSecret, hashSecret } from "../rules/apiKey.js"
import { userContext } from "./sessions.js"
import { audit, currentDate, transactionally, type UseCaseContext } from "./UseCaseContext.js"
import { decodeAccount, hashPassword, passwordIssues, verifyCredentials } from "./users.js"

/** A link just issued and its token, shown once (the caller turns it into a URL). */
export interface IssuedLink {
  readonly link: OneTimeLink
  readonly token: Redacted.Redacted<string>
}

const issue = (
  fields: Omit<ConstructorParameters<typeof OneTimeLink>[0], "id" | "tokenHash" | "createdAt" | "expiresAt" | "usedAt">,
  prefix: string,
  lifetimeMs: number
) =>
  Effect.gen(function* () {
    const token = generateSecret(prefix)
    const now = yield* currentDate
    const link = yield* (yield* OneTimeLinkRepository).insert(
      new OneTimeLink({
        ...fields,
        id: newId<OneTimeLinkId>(),
        tokenHash: hashSecret(token),
        createdAt: now,
        expiresAt: new Date(now.getTime() + lifetimeMs),
        usedAt: null
      })
    )
    return { link, token: Redacted.make(token) } satisfies IssuedLink as IssuedLink
  })

/**
 * Invites an email (null: whoever holds the link chooses it) to the caller's organization with `role`: a one-time
 * link valid 48 hours, audited as `create invitation { role }`. UniqueConflict when that email is a member already.
 */
export const inviteMember = (ctx: UseCaseContext, input: { readonly email: string | null; readonly role: Role }) =>
  Effect.gen(function* () {
    let email: string | null = null
    if (input.email !== null) {
      email = (yield* decodeAccount({ email: input.email, name: "invitee" })).email
      const existing = yield* (yield* UserRepository).findByEmail(email)
      if (Option.isSome(existing)) {
        const member = yield* (yield* MembershipRepository).find(ctx.organizationId, existing.value.id)
        if (Option.isSome(member)) {
          return yield* new UniqueConflict({ entity: "member", field: "email", existingId: existing.value.id })
        }
      }
    }
    const issued = yield* issue(
      { kind: "invitation", organizationId: ctx.organizationId, email, role: input.role, userId: null },
      "lfi_",
      INVITATION_LIFETIME_MS
    )
    yield* audit(ctx, "create", "invitation", issued.link.id, { email, role: input.role })
    return issued
  }).pipe(transactionally, Effect.withSpan("inviteMember"))

/** The link of `kind` behind `token`, claimed for use now: LinkUnknown, LinkUsed, LinkExpired. */
const claim = (kind: OneTimeLink["kind"], token: string) =>
  Effect.gen(function* () {
    const links = yield* OneTimeLinkRepository
    const found = yield* links.findByTokenHash(hashSecret(token.trim()))
    if (Option.isNone(found) || found.value.kind !== kind) return yield* new LinkUnknown({ kind })
    const link = found.value
    if (link.usedAt !== null) return yield* new LinkUsed({ kind })
    const now = yield* currentDate
    if (now.getTime() >= link.expiresAt.getTime()) return yield* new LinkExpired({ kind })
    if (!(yield* links.markUsed(link.id, now))) return yield* new LinkUsed({ kind })
    return link
  })

/**
 * Accepts an invitation: a new account (name and password, checked against the policy) with its membership, or,
 * when the email has an account already, a membership for it (with that account's password: InvalidCredentials); all in one transaction with the link's use, audited
 * as `accept invitation` by the new member. The email comes from the invitation, or from `email` when it has none.
 */
export const acceptInvitation = (input: {
  readonly token: string
  readonly email?: string | undefined
  readonly name: string
  readonly password: Redacted.Redacted<string>
}) =>
  Effect.gen(function* () {
    const link = yield* claim("invitation", input.token)
    const email = link.email ?? input.email ?? ""
    const users = yield* UserRepository
    const now = yield* currentDate
    const existing = yield* users.findByEmail(email)
    let user: User
    if (Option.isSome(existing)) {
      // joining with an existing account takes its password, so a leaked invitation cannot attach someone else's
      if (!(yield* verifyCredentials(email, input.password)).valid) return yield* new InvalidCredentials()
      user = existing.value
    } else {
      const account = yield* decodeAccount({ email, name: input.name, password: input.password })
      user = yield* users.insert(
        new User({
          id: newId<UserId>(),
          email: account.email,
          name: account.name,
          passwordHash: yield* hashPassword(input.password),
          failedSignIns: 0,
          lockedUntil: null,
          createdAt: now,
          updatedAt: now
        })
      )
    }
    const membership = yield* (yield* MembershipRepository).insert(
      new Membership({
        userId: user.id,
        organizationId: link.organizationId,
        role: link.role ?? "member",
        createdAt: now
      })
    )
    yield* audit(userContext(link.organizationId, user.id), "accept", "invitation", link.id, {
      userId: user.id,
      role: membership.role,
      newAccount: Option.isNone(existing)
    })
    return { user, membership }
  }).pipe(transactionally, Effect.withSpan("acceptInvitation"))

/** A one-time password reset link (24 hours) for a member of the caller's organization, audited. */
export const issuePasswordReset = (ctx: UseCaseContext, email: string) =>
  Effect.gen(function* () {
    const user = yield* (yield* UserRepository).findByEmail(email.trim())
    const member = Option.isSome(user)
      ? yield* (yield* MembershipRepository).find(ctx.organizationId, user.value.id)
      : Option.none()
    if (Option.isNone(user) || Option.isNone(member)) return yield* new EntityNotFound({ entity: "member", id: email })
    const issued = yield* issue(
      {
        kind: "password_reset",
        organizationId: ctx.organizationId,
        email: user.value.email,
        role: null,
        userId: user.value.id
      },
      "lfp_",
      PASSWORD_RESET_LIFETIME_MS
    )
    yield* audit(ctx, "create", "invitation", issued.link.id, { purpose: "password_reset", userId: user.value.id })
    return { ...issued, user: user.value }
  }).pipe(transactionally, Effect.withSpan("issuePasswordReset"))

/**
 * Sets a new password with a reset link: checked against the policy, the lock lifted, and every session of the user
 * ended (a stolen session does not outlive the reset), in one transaction, audited as `password_reset user`.
 */
export const resetPassword = (input: { readonly token: string; readonly password: Redacted.Redacted<string> }) =>
  Effect.gen(function* () {
    const link = yield* claim("password_reset", input.token)
    const users = yield* UserRepository
    const user = link.userId === null ? Option.none() : yield* users.findById(link.userId)
    if (Option.isNone(user)) return yield* new LinkUnknown({ kind: "password_reset" })
    const issues = passwordIssues(input.password, user.value.email)
    if (issues.length > 0) return yield* new ValidationFailed({ entity: "password", issues })
    const now = yield* currentDate
    yield* users.update(
      new User({
        ...user.value,
        passwordHash: yield* hashPassword(input.password),
        failedSignIns: 0,
        lockedUntil: null,
        updatedAt: now
      })
    )
    const revoked = yield* (yield* SessionRepository).revokeForUser(user.value.id, now, "password_reset")
    yield* audit(userContext(link.organizationId, user.value.id), "password_reset", "user", user.value.id, {
      sessionsRevoked: revoked
    })
    return user.value
  }).pipe(transactionally, Effect.withSpan("resetPassword"))
