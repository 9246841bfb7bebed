export * as PostgresPersistence from "./Persistence.js"
export * as PgCopy from "./PgCopy.js"
export * as Postgres from "./PgPool.js"
export { PgPool } from "./PgPool.js"
