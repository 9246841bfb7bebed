import { HttpApiBuilder, HttpServerRequest } from "@effect/platform"
import {
  inviteMember,
  type LastAdmin,
  listMembers,
  type Member,
  removeMember,
  setMemberRole,
  UserRepository,
  unlockUser
} from "@leadforge/domain"
import { Effect, Option, Redacted } from "effect"
import { LeadforgeApi } from "../../Api.js"
import { Conflict, problemBody } from "../../contract/Problems.js"
import { requireAdmin, useCaseContext } from "../caller.js"
import { mapDomainErrors } from "../domainErrors.js"
import { linkTo } from "./links.js"
import { CreatedInvitation, MemberView } from "./MembersApi.js"

export const memberView = ({ user, membership }: Member, now = new Date()) =>
  new MemberView({
    userId: user.id,
    email: user.email,
    name: user.name,
    role: membership.role,
    joinedAt: membership.createdAt,
    locked: user.isLockedAt(now)
  })

const lastAdmin = <A, E, R>(effect: Effect.Effect<A, E | LastAdmin, R>) =>
  Effect.catchIf(
    effect,
    (e): e is LastAdmin => (e as { readonly _tag?: string })._tag === "LastAdmin",
    (e) => Effect.fail(new Conflict(problemBody(409, { code: e.code, detail: e.message })))
  )

export const MembersHttp = HttpApiBuilder.group(LeadforgeApi, "members", (handlers) =>
  handlers
    .handle("list", () =>
      Effect.gen(function* () {
        const members = yield* listMembers(yield* useCaseContext)
        return { items: members.map((m) => memberView(m)) }
      }).pipe(mapDomainErrors)
    )
    .handle("setRole", ({ path, payload }) =>
      Effect.gen(function* () {
        yield* requireAdmin("change roles")
        const ctx = yield* useCaseContext
        const membership = yield* setMemberRole(ctx, path.userId, payload.role).pipe(lastAdmin)
        const user = Option.getOrThrow(yield* (yield* UserRepository).findById(path.userId))
        return memberView({ user, membership })
      }).pipe(mapDomainErrors)
    )
    .handle("remove", ({ path }) =>
      Effect.gen(function* () {
        yield* requireAdmin("remove members")
        yield* removeMember(yield* useCaseContext, path.userId).pipe(lastAdmin)
      }).pipe(mapDomainErrors)
    )
    .handle("invite", ({ payload }) =>
      Effect.gen(function* () {
        yield* requireAdmin("invite people")
        const { link, token } = yield* inviteMember(yield* useCaseContext, payload)
        const request = yield* HttpServerRequest.HttpServerRequest
        return new CreatedInvitation({
          id: link.id,
          email: link.email,
          role: link.role ?? payload.role,
          expiresAt: link.expiresAt,
          token: Redacted.value(token),
          link: linkTo(request, "invitation", Redacted.value(token))
        })
      }).pipe(mapDomainErrors)
    )
    .handle("unlock", ({ path }) =>
      Effect.gen(function* () {
        yield* requireAdmin("manage members")
        yield* unlockUser(yield* useCaseContext, path.userId)
      }).pipe(mapDomainErrors)
    )
)
