import type { Effect, Option } from "effect"
import { Context } from "effect"
import type { Unavailable, UniqueConflict } from "../errors.js"
import type { ApiKeyId, OrganizationId, UserId } from "../model/ids.js"
import type { ApiKey, Organization, User } from "../model/Organization.js"

export declare namespace OrganizationRepository {
  export interface Service {
    readonly insert: (organization: Organization) => Effect.Effect<Organization, Unavailable>
    readonly findById: (id: OrganizationId) => Effect.Effect<Option.Option<Organization>, Unavailable>
    /** How many organizations exist; a first run on an empty database bootstraps one. */
    readonly count: Effect.Effect<number, Unavailable>
  }
}

export class OrganizationRepository extends Context.Tag("@leadforge/domain/OrganizationRepository")<
  OrganizationRepository,
  OrganizationRepository.Service
>() {}

export declare namespace UserRepository {
  export interface Service {
    /** Fails with UniqueConflict when the email is taken within the organization. */
    readonly insert: (user: User) => Effect.Effect<User, UniqueConflict | Unavailable>
    readonly findById: (organizationId: OrganizationId, id: UserId) => Effect.Effect<Option.Option<User>, Unavailable>
    readonly list: (organizationId: OrganizationId) => Effect.Effect<ReadonlyArray<User>, Unavailable>
  }
}

export class UserRepository extends Context.Tag("@leadforge/domain/UserRepository")<
  UserRepository,
  UserRepository.Service
>() {}

export declare namespace ApiKeyRepository {
  export interface Service {
    readonly insert: (key: ApiKey) => Effect.Effect<ApiKey, UniqueConflict | Unavailable>
    /**
     * The one lookup not scoped by organization: authentication starts from the key's hash, which
     * is globally unique, and learns the organization from the row. Revoked keys are not returned.
     */
    readonly findActiveByHash: (hash: string) => Effect.Effect<Option.Option<ApiKey>, Unavailable>
    readonly list: (organizationId: OrganizationId) => Effect.Effect<ReadonlyArray<ApiKey>, Unavailable>
    /** Returns whether an active key was revoked. */
    readonly revoke: (organizationId: OrganizationId, id: ApiKeyId, at: Date) => Effect.Effect<boolean, Unavailable>
    readonly touch: (id: ApiKeyId, at: Date) => Effect.Effect<void, Unavailable>
  }
}

export class ApiKeyRepository extends Context.Tag("@leadforge/domain/ApiKeyRepository")<
  ApiKeyRepository,
  ApiKeyRepository.Service
>() {}
