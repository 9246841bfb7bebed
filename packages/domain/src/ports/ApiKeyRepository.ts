import type { Effect, Option } from "effect"
import { Context } from "effect"
import type { Unavailable, UniqueConflict } from "../errors.js"
import type { ApiKey } from "../model/ApiKey.js"
import type { ApiKeyId, OrganizationId } from "../model/ids.js"

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
