import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import {
  AccessTokens,
  Actor,
  API_KEY_PATTERN,
  type ApiKey,
  ApiKeyRepository,
  authenticateSession,
  hashApiKey,
  type OrganizationId,
  type Role,
  type SessionId,
  SessionRepository,
  type UserId
} from "@leadforge/domain"
import { Context, Effect, Exit, Layer, Option, Tracer } from "effect"
import { Forbidden, problemBody, ServiceUnavailable, Unauthorized } from "../contract/Problems.js"
import { Authentication, type Principal, SESSION_COOKIE } from "../contract/Security.js"
import { ApiKeyCache } from "./ApiKeyCache.js"
import { AuthSettings } from "./AuthSettings.js"
import { csrfRefusal, isSafeMethod } from "./csrf.js"
import { RevokedSessions } from "./RevokedSessions.js"

const unauthorized = (detail: string, code = "unauthorized") => new Unauthorized(problemBody(401, { code, detail }))

const unavailable = () =>
  new ServiceUnavailable(problemBody(503, { code: "unavailable", detail: "database is unavailable; retry later" }))

type Failure = Unauthorized | Forbidden | ServiceUnavailable

const viewerRefused = (what: string) =>
  new Forbidden(
    problemBody(403, { code: "forbidden", detail: `a viewer ${what} can only read; ask an admin for more` })
  )

/**
 * Resolves the request's credential to its organization, role and actor; viewers get 403 on anything but reads.
 * `Authorization: Bearer lf_…` is an API key; another bearer token is an access token; without a bearer token the
 * session cookie counts, and an unsafe method under it needs the CSRF checks (403 saying which failed).
 *
 * The middleware declares three security schemes (for the OpenAPI document), and the platform tries them in turn
 * until one succeeds; each resolves the whole request the same way, and a failure is remembered for the request so
 * that the answer is the first scheme's and not the last's.
 */
export const AuthenticationLive = Layer.effect(
  Authentication,
  Effect.gen(function* () {
    const keys = yield* ApiKeyRepository
    const cache = yield* ApiKeyCache
    const settings = yield* AuthSettings
    const sessions = yield* SessionRepository
    const accessTokens = yield* AccessTokens
    const revoked = yield* RevokedSessions
    const touched = new Map<string, number>()
    /** Records last use at most once a minute per key, off the request path; undefined when not due. */
    const touch = (key: ApiKey) => {
      const now = Date.now()
      const last = Math.max(touched.get(key.id) ?? 0, key.lastUsedAt?.getTime() ?? 0)
      if (now - last < 60_000) return undefined
      touched.set(key.id, now)
      return Effect.forkDaemon(Effect.ignore(keys.touch(key.id, new Date(now))))
    }
    const lookup = (request: HttpServerRequest.HttpServerRequest, hash: string) =>
      keys.findActiveByHash(hash).pipe(
        Effect.catchTag("Unavailable", () => Effect.fail(unavailable())),
        Effect.flatMap((found): Effect.Effect<Principal, Failure> => {
          if (Option.isNone(found)) return Effect.fail(unauthorized("the API key is unknown or revoked"))
          cache.remember(hash, found.value)
          return admitKey(request, found.value)
        })
      )
    const admitKey = (request: HttpServerRequest.HttpServerRequest, key: ApiKey) =>
      Effect.withFiberRuntime<Principal, Forbidden>((fiber) => {
        if (key.role === "viewer" && !isSafeMethod(request.method)) return Effect.fail(viewerRefused("key"))
        const span = Option.getOrUndefined(Context.getOption(fiber.currentContext, Tracer.ParentSpan))
        if (span?._tag === "Span") span.attribute("leadforge.apiKey", key.prefix)
        const principal: Principal = {
          organizationId: key.organizationId,
          role: key.role,
          // resolved from a stored key: no need to validate it again on every request
          actor: new Actor({ type: "api_key", id: key.id }, true),
          via: "api_key",
          userId: undefined,
          sessionId: undefined
        }
        const touching = touch(key)
        return touching === undefined ? Effect.succeed(principal) : Effect.as(touching, principal)
      })
    const apiKey = (request: HttpServerRequest.HttpServerRequest, raw: string) => {
      if (!API_KEY_PATTERN.test(raw)) return Effect.fail(unauthorized("the API key is malformed"))
      const hash = hashApiKey(raw)
      const key = cache.get(hash)
      return key === undefined ? lookup(request, hash) : admitKey(request, key)
    }
    const admitUser = (
      request: HttpServerRequest.HttpServerRequest,
      via: "session" | "access_token",
      grant: {
        readonly organizationId: OrganizationId
        readonly role: Role
        readonly userId: UserId
        readonly sessionId: SessionId
      }
    ): Effect.Effect<Principal, Forbidden> =>
      grant.role === "viewer" && !isSafeMethod(request.method)
        ? Effect.fail(viewerRefused(via === "session" ? "session" : "token"))
        : Effect.succeed({
            organizationId: grant.organizationId,
            role: grant.role,
            actor: new Actor({ type: "user", id: grant.userId }, true),
            via,
            userId: grant.userId,
            sessionId: grant.sessionId
          })
    const session = (request: HttpServerRequest.HttpServerRequest, token: string) =>
      authenticateSession(token, settings.session).pipe(
        Effect.provideService(SessionRepository, sessions),
        Effect.catchTags({
          SessionUnknown: () => Effect.fail(unauthorized("the session is unknown; sign in again")),
          SessionRevoked: (e) => Effect.fail(unauthorized(e.message, e.code)),
          SessionExpired: (e) => Effect.fail(unauthorized(e.message, e.code)),
          Unavailable: () => Effect.fail(unavailable())
        }),
        Effect.flatMap(({ session: s, role }) => {
          const refusal = csrfRefusal(request, token, settings.trustedOrigins)
          if (refusal !== undefined) {
            return Effect.fail(new Forbidden(problemBody(403, { code: "csrf_rejected", detail: refusal })))
          }
          return admitUser(request, "session", {
            organizationId: s.organizationId,
            role,
            userId: s.userId,
            sessionId: s.id
          })
        })
      )
    /** A verified access token needs no database round trip; any failed check is the same 401. */
    const accessToken = (
      request: HttpServerRequest.HttpServerRequest,
      raw: string
    ): Effect.Effect<Principal, Unauthorized | Forbidden> =>
      Effect.flatMap(
        accessTokens.verify(raw),
        (claims): Effect.Effect<Principal, Unauthorized | Forbidden> =>
          Option.isNone(claims) || revoked.has(claims.value.sessionId)
            ? Effect.fail(unauthorized("the access token is invalid or expired"))
            : admitUser(request, "access_token", claims.value)
      )
    const resolve = (request: HttpServerRequest.HttpServerRequest): Effect.Effect<Principal, Failure> => {
      const authorization = request.headers.authorization
      if (authorization !== undefined && authorization.trim() !== "") {
        const raw = authorization.startsWith("Bearer ") ? authorization.slice(7).trim() : ""
        if (raw === "") return Effect.fail(unauthorized("send Authorization: Bearer <api key or access token>"))
        if (raw.startsWith("lf_")) return apiKey(request, raw)
        return accessToken(request, raw)
      }
      const cookie = request.cookies[SESSION_COOKIE]
      if (cookie !== undefined && cookie !== "") return session(request, cookie)
      return Effect.fail(unauthorized("send Authorization: Bearer <api key or access token>, or sign in"))
    }
    /** Failures by request, so the schemes tried after the first give its answer. */
    const failed = new WeakMap<object, Exit.Exit<never, Failure>>()
    const once = Effect.withFiberRuntime<Principal, Failure>((fiber) => {
      const request = Context.get(
        fiber.currentContext as Context.Context<HttpServerRequest.HttpServerRequest>,
        HttpServerRequest.HttpServerRequest
      )
      const earlier = failed.get(request)
      if (earlier !== undefined) return earlier
      return Effect.tapErrorCause(resolve(request), (cause) =>
        Effect.sync(() => failed.set(request, Exit.failCause(cause)))
      )
    })
    return Authentication.of({ bearer: () => once, accessToken: () => once, session: () => once })
  })
)
