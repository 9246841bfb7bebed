import * as HttpApiMiddleware from "@effect/platform/HttpApiMiddleware"
import * as HttpApiSecurity from "@effect/platform/HttpApiSecurity"
import * as OpenApi from "@effect/platform/OpenApi"
import type { Actor, OrganizationId, Role, SessionId, UserId } from "@leadforge/domain"
import { Context, Schema } from "effect"
import { Problems } from "./Problems.js"

/**
 * Who is calling, learned from the credential and never from the request: an organization, a role in it, and the
 * actor the audit trail records (the API key, or the signed-in user with the session it signed in with).
 */
export interface Principal {
  readonly organizationId: OrganizationId
  readonly role: Role
  readonly actor: Actor
  /** How the caller authenticated. */
  readonly via: "api_key" | "session" | "access_token"
  /** The signed-in user and their session; undefined for an API key. */
  readonly userId: UserId | undefined
  readonly sessionId: SessionId | undefined
}

export class CurrentPrincipal extends Context.Tag("@leadforge/http/CurrentPrincipal")<CurrentPrincipal, Principal>() {}

/** The browser session's cookie. */
export const SESSION_COOKIE = "leadforge_session"

/** The header that carries the session's CSRF token on unsafe requests under cookie authentication. */
export const CSRF_HEADER = "x-csrf-token"

export const sessionCookie = HttpApiSecurity.apiKey({ in: "cookie", key: SESSION_COOKIE }).pipe(
  HttpApiSecurity.annotate(
    OpenApi.Description,
    "The browser session set by POST /api/v1/auth/session (HttpOnly, SameSite=Lax). Unsafe methods also need the " +
      "session's CSRF token in `X-CSRF-Token` and an `Origin` of this server."
  )
)

/**
 * Every /api/v1 route takes one of three credentials, each with the same role checks and organization scoping:
 * an API key or an access token as `Authorization: Bearer …`, or the session cookie. Viewers may only read.
 */
export class Authentication extends HttpApiMiddleware.Tag<Authentication>()("Authentication", {
  failure: Schema.Union(Problems.Unauthorized, Problems.Forbidden, Problems.ServiceUnavailable),
  provides: CurrentPrincipal,
  security: {
    bearer: HttpApiSecurity.bearer.pipe(
      HttpApiSecurity.annotate(OpenApi.Description, "An API key: `lf_` followed by 43 URL-safe characters.")
    ),
    accessToken: HttpApiSecurity.bearer.pipe(
      HttpApiSecurity.annotate(OpenApi.Format, "JWT"),
      HttpApiSecurity.annotate(
        OpenApi.Description,
        "An access token from POST /api/v1/auth/token or /api/v1/auth/refresh (a JWT, valid 15 minutes)."
      )
    ),
    session: sessionCookie
  }
}) {}
