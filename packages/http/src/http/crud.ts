import {
  type AuditEntityType,
  audit,
  type CrudRepository,
  currentDate,
  EntityNotFound,
  FieldIssue,
  type ListQuery,
  newId,
  type OrganizationId,
  ValidationFailed
} from "@leadforge/domain"
import { type Context, Effect, Option, ParseResult } from "effect"
import { expectedVersion, useCaseContext, withEtag } from "./context.js"
import { mapDomainErrors } from "./problems.js"

/** Runs an entity constructor; its schema's failures become ValidationFailed listing every field. */
const construct = <A>(entity: string, make: () => A) =>
  Effect.try({
    try: make,
    catch: (error) =>
      new ValidationFailed({
        entity,
        issues: ParseResult.isParseError(error)
          ? ParseResult.ArrayFormatter.formatErrorSync(error).map(
              (i) =>
                new FieldIssue({
                  field: i.path.length === 0 ? "(root)" : i.path.map(String).join("."),
                  code: "invalid",
                  message: i.message
                })
            )
          : [new FieldIssue({ field: "(root)", code: "invalid", message: String(error) })]
      })
  })

const found =
  <A>(entity: string, id: string) =>
  (option: Option.Option<A>) =>
    Option.match(option, {
      onNone: () => Effect.fail(new EntityNotFound({ entity, id })),
      onSome: (value) => Effect.succeed(value)
    })

/** The fields a PATCH body sets (an absent field is left as it is). */
type Patch<F> = { readonly [K in keyof F]?: F[K] | undefined }

const defined = <F>(patch: Patch<F>): { [K in keyof F]?: F[K] } =>
  Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as { [K in keyof F]?: F[K] }

/** What every new entity of a CRUD group starts with. */
export interface NewEntity<Id> {
  readonly id: Id
  readonly organizationId: OrganizationId
  readonly createdAt: Date
  readonly updatedAt: Date
  readonly version: 1
}

/** The fields the shared handlers read and write on an entity. */
interface Versioned<Id> {
  readonly id: Id
  readonly name: string
  readonly updatedAt: Date
  readonly version: number
}

export interface CrudSpec<F extends Versioned<Id>, A extends F, Id extends string, Input, S> {
  /** The audit entity type, also the `entity` of its not-found and validation errors. */
  readonly entity: AuditEntityType
  readonly repository: Context.Tag<S, CrudRepository<A, Id>>
  /** A new entity from a create body (the constructor validates it). */
  readonly create: (input: Input, entity: NewEntity<Id>) => A
  /** The entity class's constructor, for an updated copy. */
  readonly make: (fields: F) => A
}

/**
 * The five handlers of a versioned, organization-scoped CRUD group (create, list, get, update with If-Match,
 * delete), audited and with ETags, over its CrudRepository. Campaigns and products are such groups.
 */
export const crudHandlers = <F extends Versioned<Id>, A extends F, Id extends string, Input, S>(
  spec: CrudSpec<F, A, Id, Input, S>
) => {
  const { entity, repository } = spec
  const findExisting = (repo: CrudRepository<A, Id>, organizationId: OrganizationId, id: Id) =>
    repo.findById(organizationId, id).pipe(Effect.flatMap(found(entity, id)))

  const create = ({ payload }: { readonly payload: Input }) =>
    Effect.gen(function* () {
      const ctx = yield* useCaseContext
      const now = yield* currentDate
      const created = yield* construct(entity, () =>
        spec.create(payload, {
          id: newId<Id>(),
          organizationId: ctx.organizationId,
          createdAt: now,
          updatedAt: now,
          version: 1
        })
      )
      const stored = yield* (yield* repository).insert(created)
      yield* audit(ctx, "create", entity, stored.id, { name: stored.name })
      yield* withEtag(stored.version)
      return stored
    }).pipe(mapDomainErrors)

  const list = ({ urlParams }: { readonly urlParams: ListQuery }) =>
    Effect.gen(function* () {
      const ctx = yield* useCaseContext
      const page = yield* (yield* repository).list(ctx.organizationId, urlParams)
      return { items: page.items, nextCursor: page.nextCursor }
    }).pipe(mapDomainErrors)

  const get = ({ path }: { readonly path: { readonly id: Id } }) =>
    Effect.gen(function* () {
      const ctx = yield* useCaseContext
      const current = yield* findExisting(yield* repository, ctx.organizationId, path.id)
      yield* withEtag(current.version)
      return current
    }).pipe(mapDomainErrors)

  const update = ({
    path,
    headers,
    payload
  }: {
    readonly path: { readonly id: Id }
    readonly headers: { readonly "if-match"?: string | undefined }
    readonly payload: Patch<F> & { readonly version?: number | undefined }
  }) =>
    Effect.gen(function* () {
      const ctx = yield* useCaseContext
      const { version, ...patch } = payload
      const expected = yield* expectedVersion(headers["if-match"], version, true)
      const repo = yield* repository
      const current = yield* findExisting(repo, ctx.organizationId, path.id)
      const now = yield* currentDate
      const changes = defined<F>(patch as Patch<F>)
      const next = yield* construct(entity, () =>
        spec.make({ ...current, ...changes, updatedAt: now, version: (expected ?? current.version) + 1 })
      )
      const stored = yield* repo.update(next)
      yield* audit(ctx, "update", entity, stored.id, { fields: Object.keys(changes) })
      yield* withEtag(stored.version)
      return stored
    }).pipe(mapDomainErrors)

  const remove = ({ path }: { readonly path: { readonly id: Id } }) =>
    Effect.gen(function* () {
      const ctx = yield* useCaseContext
      yield* (yield* repository).delete(ctx.organizationId, path.id)
      yield* audit(ctx, "delete", entity, path.id, {})
    }).pipe(mapDomainErrors)

  return { create, list, get, update, delete: remove }
}
