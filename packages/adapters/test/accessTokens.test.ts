import { describe, expect, it } from "@effect/vitest"
import { AccessTokensJose } from "@leadforge/adapters/crypto"
import { AccessTokens, newId, type OrganizationId, type SessionId, type UserId } from "@leadforge/domain"
import { Duration, Effect, Option, Redacted, TestClock } from "effect"
import { SignJWT, UnsecuredJWT } from "jose"

const key = AccessTokensJose.keyOf(Redacted.make("k".repeat(32)))
const claims = {
  userId: newId<UserId>(),
  organizationId: newId<OrganizationId>(),
  role: "member" as const,
  sessionId: newId<SessionId>()
}

describe("AccessTokensJose", () => {
  it.layer(AccessTokensJose.layer(key))((it) => {
    it.effect("a token carries user, organization, role and session, and expires after 15 minutes (TestClock)", () =>
      Effect.gen(function* () {
        const tokens = yield* AccessTokens
        const { token, expiresAt } = yield* tokens.issue(claims)
        expect(expiresAt.getTime()).toBe(15 * 60_000)
        const verified = yield* tokens.verify(Redacted.value(token))
        expect(verified).toEqual(Option.some({ ...claims, expiresAt }))
        yield* TestClock.adjust(Duration.minutes(14))
        expect(Option.isSome(yield* tokens.verify(Redacted.value(token)))).toBe(true)
        yield* TestClock.adjust(Duration.minutes(1))
        expect(yield* tokens.verify(Redacted.value(token))).toEqual(Option.none())
      })
    )

    it.effect("malformed, wrongly signed, alg none, HS512 and tampered tokens are all refused alike", () =>
      Effect.gen(function* () {
        const tokens = yield* AccessTokens
        const { token } = yield* tokens.issue(claims)
        const good = Redacted.value(token)
        const payload = { org: claims.organizationId, role: "admin", sid: claims.sessionId }
        const exp = Math.floor(Date.now() / 1000) + 600
        const otherKey = yield* Effect.promise(() =>
          new SignJWT(payload)
            .setProtectedHeader({ alg: "HS256" })
            .setSubject(claims.userId)
            .setIssuer("leadforge")
            .setAudience("leadforge-api")
            .setExpirationTime(exp)
            .sign(new TextEncoder().encode("x".repeat(32)))
        )
        const hs512 = yield* Effect.promise(() =>
          new SignJWT(payload)
            .setProtectedHeader({ alg: "HS512" })
            .setSubject(claims.userId)
            .setIssuer("leadforge")
            .setAudience("leadforge-api")
            .setExpirationTime(exp)
            .sign(new TextEncoder().encode("k".repeat(64)))
        )
        const none = new UnsecuredJWT(payload)
          .setSubject(claims.userId)
          .setIssuer("leadforge")
          .setAudience("leadforge-api")
          .setExpirationTime(exp)
          .encode()
        const [header, body, signature] = good.split(".")
        const elevated = Buffer.from(
          JSON.stringify({ ...JSON.parse(Buffer.from(body!, "base64url").toString()), role: "admin" })
        ).toString("base64url")
        for (const bad of ["", "nope", "a.b.c", otherKey, hs512, none, `${header}.${elevated}.${signature}`]) {
          expect(yield* tokens.verify(bad), bad).toEqual(Option.none())
        }
      })
    )
  })
})
