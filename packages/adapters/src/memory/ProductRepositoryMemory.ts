import { ProductRepository } from "@leadforge/domain"
import { Effect, Layer } from "effect"
import { makeCrud } from "./crud.js"
import { MemoryStore } from "./MemoryStore.js"
import { traced } from "./traced.js"

export const ProductRepositoryMemory: Layer.Layer<ProductRepository, never, MemoryStore> = Layer.effect(
  ProductRepository,
  Effect.map(MemoryStore, ({ tables, lock }) =>
    traced("ProductRepositoryMemory", makeCrud("products", "product", tables, lock))
  )
)
