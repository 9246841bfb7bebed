import { HttpApiBuilder } from "@effect/platform"
import { createProduct, deleteProduct, getProduct, listProducts, updateProduct } from "@leadforge/domain"
import { LeadforgeApi } from "../../Api.js"
import { catalogHandlers } from "../catalog.js"

const products = catalogHandlers({
  create: createProduct,
  get: getProduct,
  list: listProducts,
  update: updateProduct,
  delete: deleteProduct
})

export const ProductsHttp = HttpApiBuilder.group(LeadforgeApi, "products", (handlers) =>
  handlers
    .handle("create", products.create)
    .handle("list", products.list)
    .handle("get", products.get)
    .handle("update", products.update)
    .handle("delete", products.delete)
)
