import { Context } from "effect"
import type { ProductId } from "../model/ids.js"
import type { Product } from "../model/Product.js"
import type { CrudRepository } from "./CrudRepository.js"

export declare namespace ProductRepository {
  export type Service = CrudRepository<Product, ProductId>
}

export class ProductRepository extends Context.Tag("@leadforge/domain/ProductRepository")<
  ProductRepository,
  ProductRepository.Service
>() {}
