import { Product, type ProductId, ProductRepository } from "@leadforge/domain"
import { Effect, Layer } from "effect"
import { makeCrud } from "./crud.js"

export const make = Effect.map(
  makeCrud({
    adapter: "ProductRepositorySql",
    table: "products",
    entity: "product",
    schema: Product,
    extraColumns: (product) => ({ description: product.description, category: product.category })
  }),
  (crud) =>
    ProductRepository.of({
      ...crud,
      findById: (organizationId, id: ProductId) => crud.findById(organizationId, id)
    })
)

export const ProductRepositorySql = Layer.effect(ProductRepository, make)
