import { Product } from "../../model/Product.js"
import { ProductRepository } from "../../ports/ProductRepository.js"
import { type Patch, versionedEntity } from "./versionedEntity.js"

export interface ProductInput {
  readonly name: string
  readonly description?: string | null | undefined
  readonly category?: string | null | undefined
}

export type ProductPatch = Patch<ConstructorParameters<typeof Product>[0]>

const products = versionedEntity({
  entity: "product",
  repository: ProductRepository,
  create: (input: ProductInput, base) =>
    new Product({
      ...base,
      name: input.name,
      description: input.description ?? null,
      category: input.category ?? null
    }),
  make: (fields: ConstructorParameters<typeof Product>[0]) => new Product(fields)
})

export const createProduct = products.create
export const getProduct = products.get
export const listProducts = products.list
export const updateProduct = products.update
export const deleteProduct = products.delete
