import { Effect, Option, Schema } from "effect"
import type { Actor } from "../model/common.js"
import { newId, OrganizationId } from "../model/ids.js"
import { Organization } from "../model/Organization.js"
import { OrganizationRepository } from "../ports/OrganizationRepository.js"
import { audit, currentDate, transactionally } from "./UseCaseContext.js"

export const DEFAULT_ORGANIZATION_NAME = "Default organization"

/** How many organizations an ambiguous lookup names. */
const LISTED = 10

export class OrganizationNotFound extends Schema.TaggedError<OrganizationNotFound>()("OrganizationNotFound", {
  organizationId: Schema.String
}) {
  readonly code = "organization_not_found"
  override get message() {
    return `no organization with id ${this.organizationId}`
  }
}

/** Several organizations exist and none was chosen. */
export class OrganizationRequired extends Schema.TaggedError<OrganizationRequired>()("OrganizationRequired", {
  organizations: Schema.Array(Schema.Struct({ id: OrganizationId, name: Schema.String }))
}) {
  readonly code = "organization_required"
  override get message() {
    return `several organizations exist; choose one (${this.organizations.map((o) => `${o.id} ${o.name}`).join(", ")})`
  }
}

/**
 * The organization to act on for a caller without an API key (the CLI): the requested one, else the only one;
 * on an empty database the default organization is created (not audited: no organization's trail exists yet).
 */
export const resolveOrganization = (requested: Option.Option<OrganizationId>) =>
  Effect.gen(function* () {
    const organizations = yield* OrganizationRepository
    if (Option.isSome(requested)) {
      const found = yield* organizations.findById(requested.value)
      if (Option.isNone(found)) return yield* new OrganizationNotFound({ organizationId: requested.value })
      return found.value
    }
    const existing = yield* organizations.list(LISTED)
    if (existing.length > 1) {
      return yield* new OrganizationRequired({ organizations: existing.map(({ id, name }) => ({ id, name })) })
    }
    const only = existing[0]
    if (only !== undefined) return only
    return yield* organizations.insert(
      new Organization({ id: newId<OrganizationId>(), name: DEFAULT_ORGANIZATION_NAME, createdAt: yield* currentDate })
    )
  }).pipe(Effect.withSpan("resolveOrganization"))

/** A new organization, audited as its own first event (`create organization`). */
export const createOrganization = (name: string, actor: Actor) =>
  Effect.gen(function* () {
    const organization = yield* (yield* OrganizationRepository).insert(
      new Organization({ id: newId<OrganizationId>(), name, createdAt: yield* currentDate })
    )
    yield* audit({ organizationId: organization.id, actor }, "create", "organization", organization.id, { name })
    return organization
  }).pipe(transactionally, Effect.withSpan("createOrganization"))
