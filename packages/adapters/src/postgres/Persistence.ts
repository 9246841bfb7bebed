import { Layer, type Redacted } from "effect"
import * as SqlPersistence from "../sql/Persistence.js"
import * as Postgres from "./PgPool.js"

/** Every repository on PostgreSQL at `url` (pool tuned from the environment), migrated to head. */
export const layer = (url: Redacted.Redacted) =>
  SqlPersistence.layer.pipe(Layer.provideMerge(Postgres.layerWithUrl(url)))

/** Every repository on PostgreSQL from DATABASE_URL, migrated to head. */
export const layerConfig = SqlPersistence.layer.pipe(Layer.provideMerge(Postgres.layerConfig))
