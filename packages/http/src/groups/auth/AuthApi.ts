import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { OrganizationId, PASSWORD_MAX_LENGTH, Role, UserId } from "@leadforge/domain"
import { Schema } from "effect"
import { Authentication } from "../../contract/Security.js"
import { reportAll } from "../../contract/schemas.js"

export const SignInRequest = Schema.Struct({
  email: Schema.String.pipe(Schema.minLength(1, { message: () => "is required" }), Schema.maxLength(254)),
  // a code point may take 4 UTF-16 units: the policy's limit, in the units a string counts
  password: Schema.String.pipe(
    Schema.minLength(1, { message: () => "is required" }),
    Schema.maxLength(PASSWORD_MAX_LENGTH * 4, { message: () => `must be at most ${PASSWORD_MAX_LENGTH} characters` })
  ),
  organizationId: Schema.optionalWith(OrganizationId, { exact: true })
}).annotations(reportAll)

export class SessionUser extends Schema.Class<SessionUser>("SessionUser")({
  id: UserId,
  email: Schema.String,
  name: Schema.String
}) {}

export class SessionOrganization extends Schema.Class<SessionOrganization>("SessionOrganization")({
  id: OrganizationId,
  name: Schema.String
}) {}

/** A browser session just started; the session's own token is only in the cookie. */
export class SessionStarted extends Schema.Class<SessionStarted>("SessionStarted")({
  user: SessionUser,
  organization: SessionOrganization,
  role: Role,
  /** Send it as `X-CSRF-Token` on every POST, PUT, PATCH and DELETE made with the cookie. */
  csrfToken: Schema.String,
  /** The absolute end of the session; it also ends after the idle timeout without use. */
  expiresAt: Schema.Date,
  idleTimeoutSeconds: Schema.Int
}) {}

export const AcceptInvitationRequest = Schema.Struct({
  token: Schema.String.pipe(Schema.minLength(1, { message: () => "is required" }), Schema.maxLength(200)),
  /** Needed when the invitation names no email (the first admin's). */
  email: Schema.optionalWith(Schema.String.pipe(Schema.maxLength(254)), { exact: true }),
  name: Schema.String.pipe(Schema.maxLength(200)),
  password: SignInRequest.fields.password
}).annotations(reportAll)

export const PasswordResetRequest = Schema.Struct({
  token: AcceptInvitationRequest.fields.token,
  password: SignInRequest.fields.password
}).annotations(reportAll)

export class MembershipOf extends Schema.Class<MembershipOf>("MembershipOf")({
  organization: SessionOrganization,
  role: Role
}) {}

export class Accepted extends Schema.Class<Accepted>("Accepted")({
  user: SessionUser,
  organizationId: OrganizationId,
  role: Role
}) {}

/** Who is calling: the user (null for an API key), where the call acts and with which role, and elsewhere. */
export class Me extends Schema.Class<Me>("Me")({
  user: Schema.NullOr(SessionUser),
  organization: SessionOrganization,
  role: Role,
  via: Schema.Literal("api_key", "session", "access_token"),
  otherOrganizations: Schema.Array(MembershipOf)
}) {}

export const RefreshRequest = Schema.Struct({
  refreshToken: Schema.String.pipe(Schema.minLength(1, { message: () => "is required" }), Schema.maxLength(200))
}).annotations(reportAll)

/** Tokens for an API client (OAuth 2.0 token response fields). */
export class TokenPair extends Schema.Class<TokenPair>("TokenPair")({
  accessToken: Schema.String,
  tokenType: Schema.Literal("Bearer"),
  /** Seconds the access token is valid (900). */
  expiresIn: Schema.Int,
  /** One use: POST it to /api/v1/auth/refresh for the next pair. */
  refreshToken: Schema.String,
  refreshExpiresAt: Schema.Date,
  role: Role
}) {}

export class AuthApi extends HttpApiGroup.make("auth")
  .add(
    HttpApiEndpoint.post("signIn", "/auth/session")
      .setPayload(SignInRequest)
      .addSuccess(SessionStarted, { status: 201 })
      .annotate(OpenApi.Summary, "Sign in (browser session)")
      .annotate(
        OpenApi.Description,
        "Sets the `leadforge_session` cookie (HttpOnly, SameSite=Lax, Path=/, Secure unless the server is plain-HTTP " +
          "localhost). An unknown email, a wrong password and a locked account get the same 401 " +
          "`invalid_credentials`; attempts are limited per account and per client address (429)."
      )
  )
  .add(
    HttpApiEndpoint.del("signOut", "/auth/session")
      .addSuccess(HttpApiSchema.NoContent)
      .middleware(Authentication)
      .annotate(OpenApi.Summary, "Sign out")
      .annotate(
        OpenApi.Description,
        "Ends the caller's session on the server, so every copy of its cookie (or its token family) stops working."
      )
  )
  .add(
    HttpApiEndpoint.post("issueTokens", "/auth/token")
      .setPayload(SignInRequest)
      .addSuccess(TokenPair, { status: 201 })
      .annotate(OpenApi.Summary, "Sign in (API client tokens)")
      .annotate(
        OpenApi.Description,
        "A signed JWT access token (15 minutes) and an opaque refresh token (7 days, one use), with the same checks " +
          "and limits as the browser sign-in."
      )
  )
  .add(
    HttpApiEndpoint.post("refresh", "/auth/refresh")
      .setPayload(RefreshRequest)
      .addSuccess(TokenPair)
      .annotate(OpenApi.Summary, "Rotate a refresh token")
      .annotate(
        OpenApi.Description,
        "Uses the refresh token up and returns a new pair. A refresh token used a second time revokes every token " +
          "of its sign-in (401 `refresh_token_reused`); a signed-out or removed member gets 401 `session_revoked`."
      )
  )
  .add(
    HttpApiEndpoint.post("acceptInvitation", "/invitations/accept")
      .setPayload(AcceptInvitationRequest)
      .addSuccess(Accepted, { status: 201 })
      .annotate(OpenApi.Summary, "Accept an invitation")
      .annotate(
        OpenApi.Description,
        "Creates the account with its password (or adds the existing account) and the membership together. " +
          "404 `link_unknown`, 409 `invitation_used` or `invitation_expired`."
      )
  )
  .add(
    HttpApiEndpoint.post("resetPassword", "/auth/password-reset")
      .setPayload(PasswordResetRequest)
      .addSuccess(HttpApiSchema.NoContent)
      .annotate(OpenApi.Summary, "Set a new password with a reset link")
      .annotate(
        OpenApi.Description,
        "Ends every session of the user. 404 `link_unknown`, 409 `reset_link_used` or `reset_link_expired`."
      )
  )
  .add(
    HttpApiEndpoint.get("me", "/me")
      .addSuccess(Me)
      .middleware(Authentication)
      .annotate(OpenApi.Summary, "Who is calling")
  )
  .prefix("/api/v1")
  .annotate(OpenApi.Description, "Signing people in and out, invitations and password resets.") {}
