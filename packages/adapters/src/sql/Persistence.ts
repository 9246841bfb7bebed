import type * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { type ConfigError, Effect, Layer } from "effect"
import type { DataDirLocked, PgliteOpenFailed } from "../pglite/Database.js"
import { ApiKeyRepositorySql, OrganizationRepositorySql, UserRepositorySql } from "./AccountRepositoriesSql.js"
import { ActivityRepositorySql } from "./ActivityRepositorySql.js"
import { AuditLogSql } from "./AuditLogSql.js"
import { CampaignRepositorySql, ProductRepositorySql } from "./CatalogRepositoriesSql.js"
import { ContactRepositorySql } from "./ContactRepositorySql.js"
import { KnowledgeRepositorySql } from "./KnowledgeRepositorySql.js"
import { LeadRepositorySql } from "./LeadRepositorySql.js"
import { migrate } from "./migrations.js"
import { ConversationRepositorySql, DataSourceRepositorySql } from "./SourceRepositoriesSql.js"
import { TaskQueueSql } from "./TaskQueueSql.js"
import { TransactorSql } from "./TransactorSql.js"

/** Every repository written on SqlClient, for whichever database provides it. */
export const repositories = Layer.mergeAll(
  LeadRepositorySql,
  ContactRepositorySql,
  ActivityRepositorySql,
  AuditLogSql,
  TransactorSql,
  OrganizationRepositorySql,
  UserRepositorySql,
  ApiKeyRepositorySql,
  ConversationRepositorySql,
  DataSourceRepositorySql,
  CampaignRepositorySql,
  ProductRepositorySql,
  TaskQueueSql,
  KnowledgeRepositorySql
)

/** Brings the schema to head before anything uses it. */
export const migrated: Layer.Layer<never, never, SqlClient.SqlClient> = Layer.effectDiscard(
  migrate.pipe(Effect.orDie, Effect.withSpan("Persistence.migrate"))
)

/** Migrations first, then the repositories. */
export const layer = Layer.provideMerge(repositories, migrated)

/** What a persistence layer provides, whichever database it opens. */
export type Provided = Layer.Layer.Success<typeof repositories> | SqlClient.SqlClient

/** Why a persistence layer could not be opened. */
export type PersistenceError = DataDirLocked | PgliteOpenFailed | SqlError | ConfigError.ConfigError
