import type { Effect, Option } from "effect"
import { Context } from "effect"
import type { Unavailable } from "../errors.js"
import type { OrganizationId } from "../model/ids.js"
import type { Organization } from "../model/Organization.js"

export declare namespace OrganizationRepository {
  export interface Service {
    readonly insert: (organization: Organization) => Effect.Effect<Organization, Unavailable>
    readonly findById: (id: OrganizationId) => Effect.Effect<Option.Option<Organization>, Unavailable>
    /** How many organizations exist; a first run on an empty database bootstraps one. */
    readonly count: Effect.Effect<number, Unavailable>
    /** The oldest `limit` organizations, by creation time then id. */
    readonly list: (limit: number) => Effect.Effect<ReadonlyArray<Organization>, Unavailable>
  }
}

export class OrganizationRepository extends Context.Tag("@leadforge/domain/OrganizationRepository")<
  OrganizationRepository,
  OrganizationRepository.Service
>() {}
