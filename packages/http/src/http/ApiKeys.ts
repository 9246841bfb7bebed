import { createHash, randomBytes } from "node:crypto"
import { HttpServerRequest } from "@effect/platform"
import {
  ApiKey,
  type ApiKeyId,
  ApiKeyRepository,
  currentDate,
  newId,
  Organization,
  type OrganizationId,
  OrganizationRepository,
  type Role
} from "@leadforge/domain"
import { Effect, Layer, Option, Redacted } from "effect"
import { Forbidden, problemBody, ServiceUnavailable, Unauthorized } from "../api/Problems.js"
import { Authentication } from "../api/Security.js"

/** `lf_` + 43 base64url characters (32 random bytes): recognisable by secret scanners, unguessable. */
export const KEY_PATTERN = /^lf_[A-Za-z0-9_-]{32,}$/

export const generateKey = (): string => `lf_${randomBytes(32).toString("base64url")}`

/** SHA-256 hex of the key: the only form stored. A fast hash suffices for 256-bit random secrets. */
export const hashKey = (key: string): string => createHash("sha256").update(key, "utf8").digest("hex")

/** Creates a key for an organization; returns the stored record and the key itself (shown once). */
export const issueKey = (organizationId: OrganizationId, name: string, role: Role) =>
  Effect.gen(function* () {
    const key = generateKey()
    const record = yield* (yield* ApiKeyRepository).insert(
      new ApiKey({
        id: newId<ApiKeyId>(),
        organizationId,
        name,
        role,
        prefix: key.slice(0, 10),
        hash: hashKey(key),
        createdAt: yield* currentDate,
        lastUsedAt: null,
        revokedAt: null
      })
    )
    return { record, key: Redacted.make(key) }
  })

/**
 * First run on an empty database: creates an organization and an admin key, and returns the key so the
 * caller can print it once. Returns None when an organization exists.
 */
export const bootstrap = (organizationName = "Default organization") =>
  Effect.gen(function* () {
    if ((yield* (yield* OrganizationRepository).count) > 0) return Option.none()
    return Option.some(yield* createOrganizationWithKey(organizationName, "admin"))
  })

/** A new organization with one key of `role` (the key is returned once, redacted). */
export const createOrganizationWithKey = (organizationName: string, role: Role = "admin") =>
  Effect.gen(function* () {
    const organization = yield* (yield* OrganizationRepository).insert(
      new Organization({ id: newId<OrganizationId>(), name: organizationName, createdAt: yield* currentDate })
    )
    const issued = yield* issueKey(organization.id, role === "admin" ? "bootstrap admin" : `first ${role}`, role)
    return { organization, key: issued.key }
  })

const unauthorized = (detail: string) => new Unauthorized(problemBody(401, { code: "unauthorized", detail }))

const READ_METHODS = new Set(["GET", "HEAD", "OPTIONS"])

/** Resolves the bearer key to its organization and role; viewers get 403 on anything but reads. */
export const AuthenticationLive = Layer.effect(
  Authentication,
  Effect.gen(function* () {
    const keys = yield* ApiKeyRepository
    const touched = new Map<string, number>()
    /** Records last use at most once a minute per key, off the request path. */
    const touch = (key: ApiKey) => {
      const now = Date.now()
      const last = Math.max(touched.get(key.id) ?? 0, key.lastUsedAt?.getTime() ?? 0)
      if (now - last < 60_000) return Effect.void
      touched.set(key.id, now)
      return Effect.forkDaemon(Effect.ignore(keys.touch(key.id, new Date(now))))
    }
    return Authentication.of({
      bearer: (token) =>
        Effect.gen(function* () {
          const raw = Redacted.value(token).trim()
          if (raw === "") return yield* unauthorized("send Authorization: Bearer <api key>")
          if (!KEY_PATTERN.test(raw)) return yield* unauthorized("the API key is malformed")
          const found = yield* keys
            .findActiveByHash(hashKey(raw))
            .pipe(
              Effect.catchTag("Unavailable", () =>
                Effect.fail(
                  new ServiceUnavailable(
                    problemBody(503, { code: "unavailable", detail: "database is unavailable; retry later" })
                  )
                )
              )
            )
          if (Option.isNone(found)) return yield* unauthorized("the API key is unknown or revoked")
          const key = found.value
          const request = yield* HttpServerRequest.HttpServerRequest
          if (key.role === "viewer" && !READ_METHODS.has(request.method)) {
            return yield* new Forbidden(
              problemBody(403, {
                code: "forbidden",
                detail: "a viewer key can only read; ask an admin for a member key"
              })
            )
          }
          yield* touch(key)
          yield* Effect.annotateCurrentSpan("leadforge.apiKey", key.prefix)
          return { organizationId: key.organizationId, keyId: key.id, role: key.role }
        })
    })
  })
)
