import { HttpApiBuilder } from "@effect/platform"
import { Campaign, CampaignRepository, Product, ProductRepository } from "@leadforge/domain"
import { LeadforgeApi } from "../Api.js"
import type { CampaignInput, ProductInput } from "../api/CatalogApi.js"
import { crudHandlers } from "./crud.js"

const campaigns = crudHandlers({
  entity: "campaign",
  repository: CampaignRepository,
  create: (input: typeof CampaignInput.Type, base) =>
    new Campaign({
      ...base,
      name: input.name,
      status: input.status ?? "draft",
      budget: input.budget ?? null,
      startsAt: input.startsAt ?? null,
      endsAt: input.endsAt ?? null
    }),
  make: (fields: ConstructorParameters<typeof Campaign>[0]) => new Campaign(fields)
})

const products = crudHandlers({
  entity: "product",
  repository: ProductRepository,
  create: (input: typeof ProductInput.Type, base) =>
    new Product({
      ...base,
      name: input.name,
      description: input.description ?? null,
      category: input.category ?? null
    }),
  make: (fields: ConstructorParameters<typeof Product>[0]) => new Product(fields)
})

export const CampaignsHttp = HttpApiBuilder.group(LeadforgeApi, "campaigns", (handlers) =>
  handlers
    .handle("create", campaigns.create)
    .handle("list", campaigns.list)
    .handle("get", campaigns.get)
    .handle("update", campaigns.update)
    .handle("delete", campaigns.delete)
)

export const ProductsHttp = HttpApiBuilder.group(LeadforgeApi, "products", (handlers) =>
  handlers
    .handle("create", products.create)
    .handle("list", products.list)
    .handle("get", products.get)
    .handle("update", products.update)
    .handle("delete", products.delete)
)
