import { HttpApiBuilder, HttpServerRequest } from "@effect/platform"
import {
  acceptInvitation,
  describeMe,
  type IssuedTokens,
  issueTokens,
  type LinkExpired,
  type LinkUnknown,
  type LinkUsed,
  OrganizationRepository,
  refreshTokens,
  resetPassword,
  signIn,
  signOut
} from "@leadforge/domain"
import { Effect, Option, Redacted } from "effect"
import { LeadforgeApi } from "../../Api.js"
import { AuthSettings } from "../../auth/AuthSettings.js"
import { RevokedSessions } from "../../auth/RevokedSessions.js"
import {
  BadRequest,
  Conflict,
  Forbidden,
  NotFound,
  problemBody,
  TooManyRequests,
  Unauthorized
} from "../../contract/Problems.js"
import { CurrentPrincipal } from "../../contract/Security.js"
import { useCaseContext } from "../caller.js"
import { mapDomainErrors } from "../domainErrors.js"
import { Accepted, Me, MembershipOf, SessionOrganization, SessionStarted, SessionUser, TokenPair } from "./AuthApi.js"
import { clearSessionCookie, setSessionCookie } from "./cookie.js"

/** Signing in from another site's page (login CSRF) is refused when the browser says where it comes from. */
const crossSiteSignIn = (request: HttpServerRequest.HttpServerRequest, trusted: ReadonlyArray<string>) => {
  const origin = request.headers.origin
  if (origin === undefined || origin === "") return false
  const host = request.headers.host
  return origin !== `http://${host}` && origin !== `https://${host}` && !trusted.includes(origin)
}

type LinkError = LinkUnknown | LinkUsed | LinkExpired

const isLinkError = (e: unknown): e is LinkError => {
  const tag = (e as { readonly _tag?: string })._tag
  return tag === "LinkUnknown" || tag === "LinkUsed" || tag === "LinkExpired"
}

/** A used or expired link is 409 with its own code; an unknown one 404. */
const linkProblems = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.catchIf(effect, isLinkError, (e) =>
    Effect.fail(
      e._tag === "LinkUnknown"
        ? new NotFound(problemBody(404, { code: e.code, detail: e.message }))
        : new Conflict(problemBody(409, { code: e.code, detail: e.message }))
    )
  ) as Effect.Effect<A, Exclude<E, LinkError> | NotFound | Conflict, R>

const tokenPair = (issued: IssuedTokens) =>
  Effect.map(
    Effect.clockWith((clock) => clock.currentTimeMillis),
    (now) =>
      new TokenPair({
        accessToken: Redacted.value(issued.accessToken),
        tokenType: "Bearer",
        expiresIn: Math.max(0, Math.round((issued.accessExpiresAt.getTime() - now) / 1000)),
        refreshToken: Redacted.value(issued.refreshToken),
        refreshExpiresAt: issued.refreshExpiresAt,
        role: issued.role
      })
  )

export const AuthHttp = HttpApiBuilder.group(LeadforgeApi, "auth", (handlers) =>
  handlers
    .handle("signIn", ({ payload }) =>
      Effect.gen(function* () {
        const request = yield* HttpServerRequest.HttpServerRequest
        const settings = yield* AuthSettings
        if (crossSiteSignIn(request, settings.trustedOrigins)) {
          return yield* new Forbidden(
            problemBody(403, {
              code: "csrf_rejected",
              detail: `cross-site sign-in refused: origin ${request.headers.origin} is not this server's`
            })
          )
        }
        const signedIn = yield* signIn(
          {
            email: payload.email,
            password: Redacted.make(payload.password),
            organizationId: payload.organizationId,
            clientAddress: Option.getOrElse(request.remoteAddress, () => "unknown"),
            kind: "cookie"
          },
          settings
        ).pipe(
          Effect.catchTags({
            InvalidCredentials: (e) =>
              Effect.fail(new Unauthorized(problemBody(401, { code: e.code, detail: e.message }))),
            NoMembership: (e) => Effect.fail(new Forbidden(problemBody(403, { code: e.code, detail: e.message }))),
            SignInThrottled: (e) =>
              Effect.fail(
                new TooManyRequests(
                  problemBody(429, { code: e.code, detail: e.message, retryAfter: Math.ceil(e.retryAfter) })
                )
              )
          })
        )
        yield* setSessionCookie(request, Redacted.value(signedIn.token!), settings.session.absoluteMs)
        return new SessionStarted({
          user: new SessionUser({ id: signedIn.user.id, email: signedIn.user.email, name: signedIn.user.name }),
          organization: new SessionOrganization({
            id: signedIn.session.organizationId,
            name: signedIn.organizationName
          }),
          role: signedIn.role,
          csrfToken: signedIn.csrfToken!,
          expiresAt: signedIn.session.expiresAt,
          idleTimeoutSeconds: Math.round(settings.session.idleMs / 1000)
        })
      }).pipe(mapDomainErrors)
    )
    .handle("signOut", () =>
      Effect.gen(function* () {
        const principal = yield* CurrentPrincipal
        if (principal.sessionId === undefined) {
          return yield* new BadRequest(
            problemBody(400, {
              code: "not_signed_in",
              detail: "an API key has no session to end; revoke the key instead"
            })
          )
        }
        yield* signOut(yield* useCaseContext, principal.sessionId)
        // this server refuses the session's access tokens at once; others at their expiry, after no refresh
        ;(yield* RevokedSessions).add(principal.sessionId)
        yield* clearSessionCookie(yield* HttpServerRequest.HttpServerRequest)
      }).pipe(mapDomainErrors)
    )
    .handle("acceptInvitation", ({ payload }) =>
      Effect.gen(function* () {
        const { user, membership } = yield* acceptInvitation({
          token: payload.token,
          email: payload.email,
          name: payload.name,
          password: Redacted.make(payload.password)
        }).pipe(
          linkProblems,
          Effect.catchTag("InvalidCredentials", (e) =>
            Effect.fail(
              new Unauthorized(
                problemBody(401, { code: e.code, detail: "the password of the existing account is wrong" })
              )
            )
          )
        )
        return new Accepted({
          user: new SessionUser({ id: user.id, email: user.email, name: user.name }),
          organizationId: membership.organizationId,
          role: membership.role
        })
      }).pipe(mapDomainErrors)
    )
    .handle("resetPassword", ({ payload }) =>
      resetPassword({ token: payload.token, password: Redacted.make(payload.password) }).pipe(
        linkProblems,
        Effect.asVoid,
        mapDomainErrors
      )
    )
    .handle("me", () =>
      Effect.gen(function* () {
        const principal = yield* CurrentPrincipal
        const organizationOf = (o: { readonly id: SessionOrganization["id"]; readonly name: string }) =>
          new SessionOrganization({ id: o.id, name: o.name })
        if (principal.userId === undefined) {
          const organization = yield* (yield* OrganizationRepository).findById(principal.organizationId)
          return new Me({
            user: null,
            organization: organizationOf(Option.getOrThrow(organization)),
            role: principal.role,
            via: principal.via,
            otherOrganizations: []
          })
        }
        const me = yield* describeMe(principal.userId, principal.organizationId)
        return new Me({
          user: new SessionUser({ id: me.user.id, email: me.user.email, name: me.user.name }),
          organization: organizationOf(me.current.organization),
          role: me.current.membership.role,
          via: principal.via,
          otherOrganizations: me.others.map(
            (o) => new MembershipOf({ organization: organizationOf(o.organization), role: o.membership.role })
          )
        })
      }).pipe(mapDomainErrors)
    )
    .handle("issueTokens", ({ payload }) =>
      Effect.gen(function* () {
        const request = yield* HttpServerRequest.HttpServerRequest
        const settings = yield* AuthSettings
        const issued = yield* issueTokens(
          {
            email: payload.email,
            password: Redacted.make(payload.password),
            organizationId: payload.organizationId,
            clientAddress: Option.getOrElse(request.remoteAddress, () => "unknown")
          },
          settings
        ).pipe(
          Effect.catchTags({
            InvalidCredentials: (e) =>
              Effect.fail(new Unauthorized(problemBody(401, { code: e.code, detail: e.message }))),
            NoMembership: (e) => Effect.fail(new Forbidden(problemBody(403, { code: e.code, detail: e.message }))),
            SignInThrottled: (e) =>
              Effect.fail(
                new TooManyRequests(
                  problemBody(429, { code: e.code, detail: e.message, retryAfter: Math.ceil(e.retryAfter) })
                )
              )
          })
        )
        return yield* tokenPair(issued)
      }).pipe(mapDomainErrors)
    )
    .handle("refresh", ({ payload }) =>
      Effect.gen(function* () {
        const settings = yield* AuthSettings
        const issued = yield* refreshTokens(payload.refreshToken, settings.session).pipe(
          Effect.catchTags({
            RefreshTokenInvalid: (e) =>
              Effect.fail(new Unauthorized(problemBody(401, { code: e.code, detail: e.message }))),
            RefreshTokenReused: (e) =>
              Effect.fail(new Unauthorized(problemBody(401, { code: e.code, detail: e.message }))),
            SessionRevoked: (e) => Effect.fail(new Unauthorized(problemBody(401, { code: e.code, detail: e.message }))),
            SessionExpired: (e) => Effect.fail(new Unauthorized(problemBody(401, { code: e.code, detail: e.message }))),
            SessionUnknown: () =>
              Effect.fail(
                new Unauthorized(problemBody(401, { code: "unauthorized", detail: "the refresh token is invalid" }))
              )
          })
        )
        return yield* tokenPair(issued)
      }).pipe(mapDomainErrors)
    )
)
