import type { Effect, Option } from "effect"
import type { EntityNotFound, Unavailable, UniqueConflict, ValidationFailed, VersionConflict } from "../errors.js"
import type { OrganizationId } from "../model/ids.js"
import type { Page } from "./Page.js"

export interface ListQuery {
  readonly limit?: number
  readonly cursor?: string
}

/** The shape shared by the simple versioned, organization-scoped repositories (campaigns, products). */
export interface CrudRepository<E, Id> {
  readonly insert: (entity: E) => Effect.Effect<E, UniqueConflict | Unavailable>
  /** Writes `entity` if the stored version is `entity.version - 1`. */
  readonly update: (entity: E) => Effect.Effect<E, VersionConflict | EntityNotFound | UniqueConflict | Unavailable>
  readonly findById: (organizationId: OrganizationId, id: Id) => Effect.Effect<Option.Option<E>, Unavailable>
  /** Newest first; an unknown cursor is ValidationFailed (field `cursor`). */
  readonly list: (
    organizationId: OrganizationId,
    query: ListQuery
  ) => Effect.Effect<Page<E>, ValidationFailed | Unavailable>
  readonly delete: (organizationId: OrganizationId, id: Id) => Effect.Effect<void, EntityNotFound | Unavailable>
}
