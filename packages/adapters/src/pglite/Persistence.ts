import { Layer } from "effect"
import { camelToSnake, snakeToCamel } from "../sql/names.js"
import * as SqlPersistence from "../sql/Persistence.js"
import * as PgliteClient from "./PgliteClient.js"
import * as PgliteStore from "./PgliteStore.js"

/** SqlClient over PGlite in `dataDir` with the same camelCase ↔ snake_case names as the Postgres client. */
export const client = (options: PgliteStore.Options) =>
  PgliteClient.layer({ transformQueryNames: camelToSnake, transformResultNames: snakeToCamel }).pipe(
    Layer.provideMerge(PgliteStore.layer(options))
  )

/** Every repository on the embedded database, migrated to head. */
export const pglite = (options: PgliteStore.Options) => SqlPersistence.layer.pipe(Layer.provideMerge(client(options)))

export type { PersistenceError, Provided } from "../sql/Persistence.js"
