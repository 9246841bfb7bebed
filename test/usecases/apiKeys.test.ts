import { describe, expect, it } from "@effect/vitest"
import {
  API_KEY_PATTERN,
  ApiKeyRepository,
  AuditLog,
  bootstrapFirstOrganization,
  createOrganizationWithKey,
  hashApiKey,
  issueApiKey,
  listApiKeys,
  OrganizationRepository,
  revokeApiKey
} from "@leadforge/domain"
import { Effect, Option, Redacted } from "effect"
import { ctxA, ctxB, failingAuditLayer, freshLayer, orgA } from "./support.js"

/** The audit details every path (HTTP and CLI) records for a key, as both call these use cases. */
const KEY_CREATED_DETAILS = ["name", "role", "prefix"]

describe("API key use cases", () => {
  it.effect("issue stores only the hash and prefix, audits { name, role, prefix }; revoke audits {}", () =>
    Effect.gen(function* () {
      const { record, key } = yield* issueApiKey(ctxA, { name: "ci", role: "member" })
      const secret = Redacted.value(key)
      expect(secret).toMatch(API_KEY_PATTERN)
      expect(record).toMatchObject({ name: "ci", role: "member", prefix: secret.slice(0, 10), revokedAt: null })
      expect(record.hash).toBe(hashApiKey(secret))
      expect(Option.isSome(yield* (yield* ApiKeyRepository).findActiveByHash(hashApiKey(secret)))).toBe(true)
      expect((yield* listApiKeys(ctxA)).map((k) => k.id)).toEqual([record.id])
      expect(yield* listApiKeys(ctxB)).toEqual([])

      expect(yield* Effect.flip(revokeApiKey(ctxB, record.id))).toMatchObject({ _tag: "EntityNotFound" })
      yield* revokeApiKey(ctxA, record.id)
      expect(yield* Effect.flip(revokeApiKey(ctxA, record.id))).toMatchObject({ _tag: "EntityNotFound" })
      expect(Option.isNone(yield* (yield* ApiKeyRepository).findActiveByHash(hashApiKey(secret)))).toBe(true)

      const events = (yield* (yield* AuditLog).chain(orgA)).filter((e) => e.entityType === "api_key")
      expect(events.map((e) => [e.action, e.entityId, e.details, e.actor.id])).toEqual([
        ["create", record.id, { name: "ci", role: "member", prefix: record.prefix }, "alice"],
        ["delete", record.id, {}, "alice"]
      ])
      expect(Object.keys(events[0]!.details)).toEqual(KEY_CREATED_DETAILS)
    }).pipe(Effect.provide(freshLayer()))
  )

  it.effect("a key whose audit event fails is not stored", () =>
    Effect.gen(function* () {
      expect((yield* Effect.exit(issueApiKey(ctxA, { name: "ci", role: "admin" })))._tag).toBe("Failure")
      expect(yield* listApiKeys(ctxA)).toEqual([])
    }).pipe(Effect.provide(failingAuditLayer()))
  )

  it.effect("bootstrap creates the first organization with an admin key, once", () =>
    Effect.gen(function* () {
      const first = yield* bootstrapFirstOrganization()
      expect(Option.isSome(first)).toBe(true)
      const { organization, key } = Option.getOrThrow(first)
      expect(organization.name).toBe("Default organization")
      const stored = Option.getOrThrow(
        yield* (yield* ApiKeyRepository).findActiveByHash(hashApiKey(Redacted.value(key)))
      )
      expect(stored).toMatchObject({ organizationId: organization.id, role: "admin", name: "bootstrap admin" })
      expect(yield* bootstrapFirstOrganization()).toEqual(Option.none())
      expect(yield* (yield* OrganizationRepository).count).toBe(1)

      const other = yield* createOrganizationWithKey("Other", "viewer")
      const viewer = yield* (yield* ApiKeyRepository).findActiveByHash(hashApiKey(Redacted.value(other.key)))
      expect(Option.getOrThrow(viewer)).toMatchObject({ organizationId: other.organization.id, name: "first viewer" })
    }).pipe(Effect.provide(freshLayer()))
  )
})
