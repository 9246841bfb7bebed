import { Effect, Option, Redacted } from "effect"
import { EntityNotFound } from "../errors.js"
import { ApiKey } from "../model/ApiKey.js"
import { Actor } from "../model/common.js"
import { type ApiKeyId, newId, type OrganizationId } from "../model/ids.js"
import { Organization } from "../model/Organization.js"
import type { Role } from "../model/Role.js"
import { ApiKeyRepository } from "../ports/ApiKeyRepository.js"
import { OrganizationRepository } from "../ports/OrganizationRepository.js"
import { apiKeyPrefix, generateApiKey, hashApiKey } from "../rules/apiKey.js"
import { inviteMember } from "./invitations.js"
import { DEFAULT_ORGANIZATION_NAME } from "./organizations.js"
import { audit, currentDate, transactionally, type UseCaseContext } from "./UseCaseContext.js"

/** A stored key and the key itself, which is shown once and never stored. */
export interface IssuedApiKey {
  readonly record: ApiKey
  readonly key: Redacted.Redacted<string>
}

const insertKey = (organizationId: OrganizationId, name: string, role: Role) =>
  Effect.gen(function* () {
    const key = generateApiKey()
    const record = yield* (yield* ApiKeyRepository).insert(
      new ApiKey({
        id: newId<ApiKeyId>(),
        organizationId,
        name,
        role,
        prefix: apiKeyPrefix(key),
        hash: hashApiKey(key),
        createdAt: yield* currentDate,
        lastUsedAt: null,
        revokedAt: null
      })
    )
    return { record, key: Redacted.make(key) } satisfies IssuedApiKey as IssuedApiKey
  })

/** Creates a key for the caller's organization, audited as `{ name, role, prefix }`. */
export const issueApiKey = (ctx: UseCaseContext, input: { readonly name: string; readonly role: Role }) =>
  Effect.gen(function* () {
    const issued = yield* insertKey(ctx.organizationId, input.name, input.role)
    const { record } = issued
    yield* audit(ctx, "create", "api_key", record.id, { name: record.name, role: record.role, prefix: record.prefix })
    return issued
  }).pipe(transactionally, Effect.withSpan("issueApiKey"))

/** The organization's keys, newest first (their hashes included: callers show only what they need). */
export const listApiKeys = (ctx: UseCaseContext) =>
  Effect.flatMap(ApiKeyRepository, (keys) => keys.list(ctx.organizationId)).pipe(Effect.withSpan("listApiKeys"))

/** Revokes an active key of the caller's organization, audited as `{}`; EntityNotFound when there is none. */
export const revokeApiKey = (ctx: UseCaseContext, id: ApiKeyId) =>
  Effect.gen(function* () {
    const revoked = yield* (yield* ApiKeyRepository).revoke(ctx.organizationId, id, yield* currentDate)
    if (!revoked) return yield* new EntityNotFound({ entity: "api_key", id })
    yield* audit(ctx, "delete", "api_key", id, {})
  }).pipe(transactionally, Effect.withSpan("revokeApiKey"))

/** A new organization with one key of `role`, in one transaction (the key is returned once, redacted). */
export const createOrganizationWithKey = (organizationName: string, role: Role = "admin") =>
  Effect.gen(function* () {
    const organization = yield* (yield* OrganizationRepository).insert(
      new Organization({ id: newId<OrganizationId>(), name: organizationName, createdAt: yield* currentDate })
    )
    const issued = yield* insertKey(organization.id, role === "admin" ? "bootstrap admin" : `first ${role}`, role)
    return { organization, key: issued.key }
  }).pipe(transactionally, Effect.withSpan("createOrganizationWithKey"))

/**
 * First run on an empty database: creates an organization, an admin key and an invitation for the first admin
 * person (any email, 48 hours, once), and returns the key and the invitation's token so the caller can print them
 * once. None when an organization exists.
 */
export const bootstrapFirstOrganization = (organizationName = DEFAULT_ORGANIZATION_NAME) =>
  Effect.gen(function* () {
    if ((yield* (yield* OrganizationRepository).count) > 0) return Option.none()
    const created = yield* createOrganizationWithKey(organizationName, "admin")
    const invitation = yield* inviteMember(
      { organizationId: created.organization.id, actor: Actor.system },
      { email: null, role: "admin" }
    )
    return Option.some({ ...created, invitation })
  }).pipe(transactionally, Effect.withSpan("bootstrapFirstOrganization"))
