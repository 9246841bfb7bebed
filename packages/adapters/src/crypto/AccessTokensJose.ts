import { ACCESS_TOKEN_LIFETIME_MS, AccessTokens, OrganizationId, Role, SessionId, UserId } from "@leadforge/domain"
import { Clock, Effect, Layer, Option, Redacted, Schema } from "effect"
import { jwtVerify, SignJWT } from "jose"

const ISSUER = "leadforge"
const AUDIENCE = "leadforge-api"

/** The claims an access token carries, as jose hands them back. */
const Payload = Schema.Struct({
  sub: UserId,
  org: OrganizationId,
  role: Role,
  sid: SessionId,
  exp: Schema.Number
})
const decodePayload = Schema.decodeUnknownOption(Payload)

/**
 * HS256 JWTs signed with `key` (32 bytes or more) by jose. Verification accepts only HS256 (so `alg: none` and
 * every other algorithm fail), this issuer and audience, and an unexpired `exp` at the Effect clock's time (so
 * TestClock moves it). `lifetimeMs` defaults to 15 minutes.
 */
export const make = (key: Redacted.Redacted<Uint8Array>, lifetimeMs = ACCESS_TOKEN_LIFETIME_MS) =>
  AccessTokens.of({
    issue: (claims) =>
      Effect.gen(function* () {
        const now = yield* Clock.currentTimeMillis
        const expiresAt = new Date(now + lifetimeMs)
        const token = yield* Effect.promise(() =>
          new SignJWT({ org: claims.organizationId, role: claims.role, sid: claims.sessionId })
            .setProtectedHeader({ alg: "HS256", typ: "JWT" })
            .setSubject(claims.userId)
            .setIssuer(ISSUER)
            .setAudience(AUDIENCE)
            .setIssuedAt(Math.floor(now / 1000))
            .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
            .sign(Redacted.value(key))
        )
        return { token: Redacted.make(token), expiresAt }
      }),
    verify: (token) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Effect.promise(() =>
          jwtVerify(token, Redacted.value(key), {
            algorithms: ["HS256"],
            issuer: ISSUER,
            audience: AUDIENCE,
            currentDate: new Date(now),
            clockTolerance: 0
          }).then(
            ({ payload }) =>
              Option.map(decodePayload(payload), (p) => ({
                userId: p.sub,
                organizationId: p.org,
                role: p.role,
                sessionId: p.sid,
                expiresAt: new Date(p.exp * 1000)
              })),
            () => Option.none()
          )
        )
      )
  })

/** The key bytes of a secret's text (its UTF-8 bytes). */
export const keyOf = (secret: Redacted.Redacted<string>): Redacted.Redacted<Uint8Array> =>
  Redacted.make(new TextEncoder().encode(Redacted.value(secret)))

export const layer = (key: Redacted.Redacted<Uint8Array>, lifetimeMs?: number) =>
  Layer.succeed(AccessTokens, make(key, lifetimeMs))
