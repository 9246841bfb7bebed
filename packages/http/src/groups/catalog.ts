import type { ListQuery, UseCaseContext } from "@leadforge/domain"
import { Effect } from "effect"
import { useCaseContext } from "./caller.js"
import { mapDomainErrors } from "./domainErrors.js"
import { expectedVersion, withEtag } from "./versioning.js"

/**
 * The handlers of a catalog group (campaigns, products): create, list, get, update with If-Match, delete.
 * Decodes the request into a use case's arguments and encodes its result (a page, or a record with its ETag).
 */
export const catalogHandlers = <A extends { readonly version: number }, Id, Input, Patch, E, R>(useCases: {
  readonly create: (ctx: UseCaseContext, input: Input) => Effect.Effect<A, E, R>
  readonly get: (ctx: UseCaseContext, id: Id) => Effect.Effect<A, E, R>
  readonly list: (
    ctx: UseCaseContext,
    query: ListQuery
  ) => Effect.Effect<{ readonly items: ReadonlyArray<A>; readonly nextCursor: string | null }, E, R>
  readonly update: (ctx: UseCaseContext, id: Id, patch: Patch, expectedVersion: number) => Effect.Effect<A, E, R>
  readonly delete: (ctx: UseCaseContext, id: Id) => Effect.Effect<void, E, R>
}) => {
  const tagged = (effect: Effect.Effect<A, E, R>) => Effect.tap(effect, (record) => withEtag(record.version))
  return {
    create: ({ payload }: { readonly payload: Input }) =>
      useCaseContext.pipe(
        Effect.flatMap((ctx) => tagged(useCases.create(ctx, payload))),
        mapDomainErrors
      ),
    list: ({ urlParams }: { readonly urlParams: ListQuery }) =>
      useCaseContext.pipe(
        Effect.flatMap((ctx) => useCases.list(ctx, urlParams)),
        Effect.map((page) => ({ items: page.items, nextCursor: page.nextCursor })),
        mapDomainErrors
      ),
    get: ({ path }: { readonly path: { readonly id: Id } }) =>
      useCaseContext.pipe(
        Effect.flatMap((ctx) => tagged(useCases.get(ctx, path.id))),
        mapDomainErrors
      ),
    update: ({
      path,
      headers,
      payload
    }: {
      readonly path: { readonly id: Id }
      readonly headers: { readonly "if-match"?: string | undefined }
      readonly payload: Patch & { readonly version?: number | undefined }
    }) =>
      Effect.gen(function* () {
        const ctx = yield* useCaseContext
        const { version, ...patch } = payload
        const expected = yield* expectedVersion(headers["if-match"], version, true)
        return yield* tagged(useCases.update(ctx, path.id, patch as Patch, expected!))
      }).pipe(mapDomainErrors),
    delete: ({ path }: { readonly path: { readonly id: Id } }) =>
      useCaseContext.pipe(
        Effect.flatMap((ctx) => useCases.delete(ctx, path.id)),
        mapDomainErrors
      )
  }
}
