import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import { API_KEY_PATTERN, type ApiKey, ApiKeyRepository, hashApiKey } from "@leadforge/domain"
import { Context, Effect, Layer, Option, Redacted, Tracer } from "effect"
import { Forbidden, problemBody, ServiceUnavailable, Unauthorized } from "../contract/Problems.js"
import { Authentication, type Principal } from "../contract/Security.js"
import { ApiKeyCache } from "./ApiKeyCache.js"

const unauthorized = (detail: string) => new Unauthorized(problemBody(401, { code: "unauthorized", detail }))

const READ_METHODS = new Set(["GET", "HEAD", "OPTIONS"])

/** Resolves the bearer key to its organization and role; viewers get 403 on anything but reads. */
export const AuthenticationLive = Layer.effect(
  Authentication,
  Effect.gen(function* () {
    const keys = yield* ApiKeyRepository
    const cache = yield* ApiKeyCache
    const touched = new Map<string, number>()
    /** Records last use at most once a minute per key, off the request path; undefined when not due. */
    const touch = (key: ApiKey) => {
      const now = Date.now()
      const last = Math.max(touched.get(key.id) ?? 0, key.lastUsedAt?.getTime() ?? 0)
      if (now - last < 60_000) return undefined
      touched.set(key.id, now)
      return Effect.forkDaemon(Effect.ignore(keys.touch(key.id, new Date(now))))
    }
    const lookup = (hash: string) =>
      keys.findActiveByHash(hash).pipe(
        Effect.catchTag("Unavailable", () =>
          Effect.fail(
            new ServiceUnavailable(
              problemBody(503, { code: "unavailable", detail: "database is unavailable; retry later" })
            )
          )
        ),
        Effect.flatMap((found): Effect.Effect<Principal, Unauthorized | Forbidden> => {
          if (Option.isNone(found)) return Effect.fail(unauthorized("the API key is unknown or revoked"))
          cache.remember(hash, found.value)
          return admit(found.value)
        })
      )
    /**
     * The key's principal, checked against the request's method. The request and the current span come from the
     * fiber directly: this runs on every request, and each service lookup would be another step of its run loop.
     */
    const admit = (key: ApiKey) =>
      Effect.withFiberRuntime<Principal, Forbidden>((fiber) => {
        const context = fiber.currentContext as Context.Context<HttpServerRequest.HttpServerRequest>
        const request = Context.get(context, HttpServerRequest.HttpServerRequest)
        if (key.role === "viewer" && !READ_METHODS.has(request.method)) {
          return Effect.fail(
            new Forbidden(
              problemBody(403, {
                code: "forbidden",
                detail: "a viewer key can only read; ask an admin for a member key"
              })
            )
          )
        }
        const span = Option.getOrUndefined(Context.getOption(context, Tracer.ParentSpan))
        if (span?._tag === "Span") span.attribute("leadforge.apiKey", key.prefix)
        const principal: Principal = { organizationId: key.organizationId, keyId: key.id, role: key.role }
        const touching = touch(key)
        return touching === undefined ? Effect.succeed(principal) : Effect.as(touching, principal)
      })
    return Authentication.of({
      bearer: (token) => {
        const raw = Redacted.value(token).trim()
        if (raw === "") return Effect.fail(unauthorized("send Authorization: Bearer <api key>"))
        if (!API_KEY_PATTERN.test(raw)) return Effect.fail(unauthorized("the API key is malformed"))
        const hash = hashApiKey(raw)
        const key = cache.get(hash)
        return key === undefined ? lookup(hash) : admit(key)
      }
    })
  })
)
