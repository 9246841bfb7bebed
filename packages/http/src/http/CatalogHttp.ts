import { HttpApiBuilder } from "@effect/platform"
import {
  audit,
  Campaign,
  type CampaignId,
  CampaignRepository,
  currentDate,
  EntityNotFound,
  FieldIssue,
  newId,
  Product,
  type ProductId,
  ProductRepository,
  ValidationFailed
} from "@leadforge/domain"
import { Effect, Option, ParseResult } from "effect"
import { LeadforgeApi } from "../Api.js"
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

const defined = <A extends object>(patch: A): { [K in keyof A]?: Exclude<A[K], undefined> } =>
  Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as {
    [K in keyof A]?: Exclude<A[K], undefined>
  }

export const CampaignsHttp = HttpApiBuilder.group(LeadforgeApi, "campaigns", (handlers) =>
  handlers
    .handle("create", ({ payload }) =>
      Effect.gen(function* () {
        const ctx = yield* useCaseContext
        const now = yield* currentDate
        const campaign = yield* construct(
          "campaign",
          () =>
            new Campaign({
              id: newId<CampaignId>(),
              organizationId: ctx.organizationId,
              name: payload.name,
              status: payload.status ?? "draft",
              budget: payload.budget ?? null,
              startsAt: payload.startsAt ?? null,
              endsAt: payload.endsAt ?? null,
              createdAt: now,
              updatedAt: now,
              version: 1
            })
        )
        const stored = yield* (yield* CampaignRepository).insert(campaign)
        yield* audit(ctx, "create", "campaign", stored.id, { name: stored.name })
        yield* withEtag(stored.version)
        return stored
      }).pipe(mapDomainErrors)
    )
    .handle("list", ({ urlParams }) =>
      Effect.gen(function* () {
        const ctx = yield* useCaseContext
        const page = yield* (yield* CampaignRepository).list(ctx.organizationId, urlParams)
        return { items: page.items, nextCursor: page.nextCursor }
      }).pipe(mapDomainErrors)
    )
    .handle("get", ({ path }) =>
      Effect.gen(function* () {
        const ctx = yield* useCaseContext
        const campaign = yield* (yield* CampaignRepository)
          .findById(ctx.organizationId, path.id)
          .pipe(Effect.flatMap(found("campaign", path.id)))
        yield* withEtag(campaign.version)
        return campaign
      }).pipe(mapDomainErrors)
    )
    .handle("update", ({ path, headers, payload }) =>
      Effect.gen(function* () {
        const ctx = yield* useCaseContext
        const { version, ...patch } = payload
        const expected = yield* expectedVersion(headers["if-match"], version, true)
        const campaigns = yield* CampaignRepository
        const current = yield* campaigns
          .findById(ctx.organizationId, path.id)
          .pipe(Effect.flatMap(found("campaign", path.id)))
        const now = yield* currentDate
        const next = yield* construct(
          "campaign",
          () =>
            new Campaign({ ...current, ...defined(patch), updatedAt: now, version: (expected ?? current.version) + 1 })
        )
        const stored = yield* campaigns.update(next)
        yield* audit(ctx, "update", "campaign", stored.id, { fields: Object.keys(defined(patch)) })
        yield* withEtag(stored.version)
        return stored
      }).pipe(mapDomainErrors)
    )
    .handle("delete", ({ path }) =>
      Effect.gen(function* () {
        const ctx = yield* useCaseContext
        yield* (yield* CampaignRepository).delete(ctx.organizationId, path.id)
        yield* audit(ctx, "delete", "campaign", path.id, {})
      }).pipe(mapDomainErrors)
    )
)

export const ProductsHttp = HttpApiBuilder.group(LeadforgeApi, "products", (handlers) =>
  handlers
    .handle("create", ({ payload }) =>
      Effect.gen(function* () {
        const ctx = yield* useCaseContext
        const now = yield* currentDate
        const product = yield* construct(
          "product",
          () =>
            new Product({
              id: newId<ProductId>(),
              organizationId: ctx.organizationId,
              name: payload.name,
              description: payload.description ?? null,
              category: payload.category ?? null,
              createdAt: now,
              updatedAt: now,
              version: 1
            })
        )
        const stored = yield* (yield* ProductRepository).insert(product)
        yield* audit(ctx, "create", "product", stored.id, { name: stored.name })
        yield* withEtag(stored.version)
        return stored
      }).pipe(mapDomainErrors)
    )
    .handle("list", ({ urlParams }) =>
      Effect.gen(function* () {
        const ctx = yield* useCaseContext
        const page = yield* (yield* ProductRepository).list(ctx.organizationId, urlParams)
        return { items: page.items, nextCursor: page.nextCursor }
      }).pipe(mapDomainErrors)
    )
    .handle("get", ({ path }) =>
      Effect.gen(function* () {
        const ctx = yield* useCaseContext
        const product = yield* (yield* ProductRepository)
          .findById(ctx.organizationId, path.id)
          .pipe(Effect.flatMap(found("product", path.id)))
        yield* withEtag(product.version)
        return product
      }).pipe(mapDomainErrors)
    )
    .handle("update", ({ path, headers, payload }) =>
      Effect.gen(function* () {
        const ctx = yield* useCaseContext
        const { version, ...patch } = payload
        const expected = yield* expectedVersion(headers["if-match"], version, true)
        const products = yield* ProductRepository
        const current = yield* products
          .findById(ctx.organizationId, path.id)
          .pipe(Effect.flatMap(found("product", path.id)))
        const now = yield* currentDate
        const next = yield* construct(
          "product",
          () =>
            new Product({ ...current, ...defined(patch), updatedAt: now, version: (expected ?? current.version) + 1 })
        )
        const stored = yield* products.update(next)
        yield* audit(ctx, "update", "product", stored.id, { fields: Object.keys(defined(patch)) })
        yield* withEtag(stored.version)
        return stored
      }).pipe(mapDomainErrors)
    )
    .handle("delete", ({ path }) =>
      Effect.gen(function* () {
        const ctx = yield* useCaseContext
        yield* (yield* ProductRepository).delete(ctx.organizationId, path.id)
        yield* audit(ctx, "delete", "product", path.id, {})
      }).pipe(mapDomainErrors)
    )
)
