export * from "./campaigns.js"
export * from "./products.js"
export type { NewEntity, Patch } from "./versionedEntity.js"
