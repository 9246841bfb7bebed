import { Product, type ProductId, ProductRepository } from "@leadforge/domain"
import { Effect, Layer } from "effect"
import { makeCrud } from "./crud.js"

export const ProductRepositorySql = Layer.effect(
  ProductRepository,
  Effect.map(
    makeCrud("products", "product", Product, (p) => ({ description: p.description, category: p.category })),
    (crud) =>
      ProductRepository.of({
        ...crud,
        findById: (organizationId, id: ProductId) => crud.findById(organizationId, id)
      })
  )
)
