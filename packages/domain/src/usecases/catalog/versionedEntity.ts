import { type Context, Effect, Option } from "effect"
import { EntityNotFound, toFieldIssues, ValidationFailed } from "../../errors.js"
import type { AuditEntityType } from "../../model/AuditEvent.js"
import { newId, type OrganizationId } from "../../model/ids.js"
import type { CrudRepository, ListQuery } from "../../ports/CrudRepository.js"
import { audit, currentDate, transactionally, type UseCaseContext } from "../UseCaseContext.js"

/** What every new entity of a versioned catalog starts with. */
export interface NewEntity<Id> {
  readonly id: Id
  readonly organizationId: OrganizationId
  readonly createdAt: Date
  readonly updatedAt: Date
  readonly version: 1
}

/** The fields the shared use cases read and write on an entity. */
interface Versioned<Id> {
  readonly id: Id
  readonly name: string
  readonly updatedAt: Date
  readonly version: number
}

/** The fields an update sets; an absent (or undefined) field is left as it is. */
export type Patch<F> = { readonly [K in keyof F]?: F[K] | undefined }

export interface VersionedEntitySpec<F extends Versioned<Id>, A extends F, Id extends string, Input, S> {
  /** The audit entity type, also the `entity` of its not-found and validation errors. */
  readonly entity: AuditEntityType
  readonly repository: Context.Tag<S, CrudRepository<A, Id>>
  /** A new entity from the create input (the constructor validates it). */
  readonly create: (input: Input, entity: NewEntity<Id>) => A
  /** The entity class's constructor, for an updated copy. */
  readonly make: (fields: F) => A
}

/** Runs an entity constructor; its schema's failures become ValidationFailed listing every field. */
const construct = <A>(entity: string, make: () => A) =>
  Effect.try({
    try: make,
    catch: (error) => new ValidationFailed({ entity, issues: toFieldIssues(error) })
  })

const defined = <F>(patch: Patch<F>): { [K in keyof F]?: F[K] } =>
  Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as { [K in keyof F]?: F[K] }

/**
 * The use cases of a versioned, organization-scoped entity over its CrudRepository (campaigns and products are
 * such): create, get, list, update at an expected version, delete. Every write is one transaction with its audit
 * event: create `{ name }`, update `{ fields }` (the names of the fields set), delete `{}`.
 */
export const versionedEntity = <F extends Versioned<Id>, A extends F, Id extends string, Input, S>(
  spec: VersionedEntitySpec<F, A, Id, Input, S>
) => {
  const { entity, repository } = spec

  const get = (ctx: UseCaseContext, id: Id) =>
    Effect.flatMap(repository, (repo) => repo.findById(ctx.organizationId, id)).pipe(
      Effect.flatMap(
        Option.match({
          onNone: () => Effect.fail(new EntityNotFound({ entity, id })),
          onSome: (value: A) => Effect.succeed(value)
        })
      ),
      Effect.withSpan(`${entity}.get`)
    )

  const list = (ctx: UseCaseContext, query: ListQuery) =>
    Effect.flatMap(repository, (repo) => repo.list(ctx.organizationId, query)).pipe(Effect.withSpan(`${entity}.list`))

  const create = (ctx: UseCaseContext, input: Input) =>
    Effect.gen(function* () {
      const now = yield* currentDate
      const created = yield* construct(entity, () =>
        spec.create(input, {
          id: newId<Id>(),
          organizationId: ctx.organizationId,
          createdAt: now,
          updatedAt: now,
          version: 1
        })
      )
      const stored = yield* (yield* repository).insert(created)
      yield* audit(ctx, "create", entity, stored.id, { name: stored.name })
      return stored
    }).pipe(transactionally, Effect.withSpan(`${entity}.create`))

  /** Writes the patch if the stored version is `expectedVersion` (VersionConflict otherwise). */
  const update = (ctx: UseCaseContext, id: Id, patch: Patch<F>, expectedVersion: number) =>
    Effect.gen(function* () {
      const current = yield* get(ctx, id)
      const now = yield* currentDate
      const changes = defined<F>(patch)
      const next = yield* construct(entity, () =>
        spec.make({ ...current, ...changes, updatedAt: now, version: expectedVersion + 1 })
      )
      const stored = yield* (yield* repository).update(next)
      yield* audit(ctx, "update", entity, stored.id, { fields: Object.keys(changes) })
      return stored
    }).pipe(transactionally, Effect.withSpan(`${entity}.update`))

  const remove = (ctx: UseCaseContext, id: Id) =>
    Effect.gen(function* () {
      yield* (yield* repository).delete(ctx.organizationId, id)
      yield* audit(ctx, "delete", entity, id, {})
    }).pipe(transactionally, Effect.withSpan(`${entity}.delete`))

  return { create, get, list, update, delete: remove }
}
