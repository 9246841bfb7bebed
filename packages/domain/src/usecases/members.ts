import { Effect, Option } from "effect"
import { EntityNotFound, LastAdmin } from "../errors.js"
import type { OrganizationId, UserId } from "../model/ids.js"
import type { Role } from "../model/Role.js"
import { MembershipRepository } from "../ports/MembershipRepository.js"
import { OrganizationRepository } from "../ports/OrganizationRepository.js"
import { SessionRepository } from "../ports/SessionRepository.js"
import { UserRepository } from "../ports/UserRepository.js"
import { audit, currentDate, transactionally, type UseCaseContext } from "./UseCaseContext.js"

/** The caller's organization's members, oldest first. */
export const listMembers = (ctx: UseCaseContext) =>
  Effect.flatMap(MembershipRepository, (m) => m.list(ctx.organizationId)).pipe(Effect.withSpan("listMembers"))

const loadMembership = (ctx: UseCaseContext, userId: UserId) =>
  Effect.flatMap(MembershipRepository, (m) => m.find(ctx.organizationId, userId)).pipe(
    Effect.flatMap(
      Option.match({
        onNone: () => Effect.fail(new EntityNotFound({ entity: "member", id: userId })),
        onSome: Effect.succeed
      })
    )
  )

/** LastAdmin when `userId` is the organization's only admin (the admins' rows stay locked until the end). */
const keepAnAdmin = (ctx: UseCaseContext, userId: UserId) =>
  Effect.gen(function* () {
    const admins = yield* (yield* MembershipRepository).lockAdmins(ctx.organizationId)
    if (admins.length === 1 && admins[0] === userId) return yield* new LastAdmin({ userId })
  })

/** Gives a member another role, audited as `update membership { role: { before, after } }`; LastAdmin, EntityNotFound. */
export const setMemberRole = (ctx: UseCaseContext, userId: UserId, role: Role) =>
  Effect.gen(function* () {
    const before = yield* loadMembership(ctx, userId)
    if (before.role === role) return before
    if (before.role === "admin") yield* keepAnAdmin(ctx, userId)
    yield* (yield* MembershipRepository).setRole(ctx.organizationId, userId, role)
    yield* audit(ctx, "update", "membership", userId, { role: { before: before.role, after: role } })
    return Option.getOrThrow(yield* (yield* MembershipRepository).find(ctx.organizationId, userId))
  }).pipe(transactionally, Effect.withSpan("setMemberRole"))

/**
 * Removes a member from the caller's organization and revokes their sessions there (a browser session stops at its
 * next request; an access token at its expiry), audited as `delete membership`; LastAdmin, EntityNotFound.
 */
export const removeMember = (ctx: UseCaseContext, userId: UserId) =>
  Effect.gen(function* () {
    const membership = yield* loadMembership(ctx, userId)
    if (membership.role === "admin") yield* keepAnAdmin(ctx, userId)
    yield* (yield* MembershipRepository).remove(ctx.organizationId, userId)
    const revoked = yield* (yield* SessionRepository).revokeForUser(userId, yield* currentDate, "removed", {
      organizationId: ctx.organizationId
    })
    yield* audit(ctx, "delete", "membership", userId, { role: membership.role, sessionsRevoked: revoked })
  }).pipe(transactionally, Effect.withSpan("removeMember"))

/** Who the signed-in user is, where they act now and with which role, and their other organizations. */
export const describeMe = (userId: UserId, organizationId: OrganizationId) =>
  Effect.gen(function* () {
    const user = yield* (yield* UserRepository).findById(userId)
    if (Option.isNone(user)) return yield* new EntityNotFound({ entity: "user", id: userId })
    const all = yield* (yield* MembershipRepository).organizationsOf(userId)
    const current = all.find((m) => m.organization.id === organizationId)
    if (current === undefined) return yield* new EntityNotFound({ entity: "member", id: userId })
    return { user: user.value, current, others: all.filter((m) => m.organization.id !== organizationId) }
  }).pipe(Effect.withSpan("describeMe"))

/** The organizations there are, oldest first (the CLI's `orgs list`). */
export const listOrganizations = (limit = 1_000) =>
  Effect.flatMap(OrganizationRepository, (orgs) => orgs.list(limit)).pipe(Effect.withSpan("listOrganizations"))

/** The member of the caller's organization with this email (compared case-insensitively); EntityNotFound. */
export const findMemberByEmail = (ctx: UseCaseContext, email: string) =>
  Effect.gen(function* () {
    const user = yield* (yield* UserRepository).findByEmail(email.trim())
    const membership = Option.isSome(user)
      ? yield* (yield* MembershipRepository).find(ctx.organizationId, user.value.id)
      : Option.none()
    if (Option.isNone(user) || Option.isNone(membership)) {
      return yield* new EntityNotFound({ entity: "member", id: email })
    }
    return { user: user.value, membership: membership.value }
  }).pipe(Effect.withSpan("findMemberByEmail"))
