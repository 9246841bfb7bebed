import type * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { type ConfigError, Effect, Layer } from "effect"
import type { DataDirLocked, PgliteOpenFailed } from "../pglite/PgliteStore.js"
import { ActivityRepositorySql } from "./ActivityRepositorySql.js"
import { ApiKeyRepositorySql } from "./ApiKeyRepositorySql.js"
import { AuditLogSql } from "./AuditLogSql.js"
import { ContactImportWriterSql } from "./bulk/ContactImportWriterSql.js"
import { LeadImportWriterSql } from "./bulk/LeadImportWriterSql.js"
import { CampaignRepositorySql } from "./CampaignRepositorySql.js"
import { ContactRepositorySql } from "./ContactRepositorySql.js"
import { ConversationRepositorySql } from "./ConversationRepositorySql.js"
import { DataSourceRepositorySql } from "./DataSourceRepositorySql.js"
import { ExportReaderSql } from "./ExportReaderSql.js"
import { KnowledgeRepositorySql } from "./KnowledgeRepositorySql.js"
import { LeadRepositorySql } from "./LeadRepositorySql.js"
import { MembershipRepositorySql } from "./MembershipRepositorySql.js"
import { migrate } from "./migrations.js"
import { OneTimeLinkRepositorySql } from "./OneTimeLinkRepositorySql.js"
import { OrganizationRepositorySql } from "./OrganizationRepositorySql.js"
import { ProductRepositorySql } from "./ProductRepositorySql.js"
import { RefreshTokenRepositorySql } from "./RefreshTokenRepositorySql.js"
import { SessionRepositorySql } from "./SessionRepositorySql.js"
import { TaskQueueSql } from "./TaskQueueSql.js"
import { TransactorSql } from "./TransactorSql.js"
import { UserRepositorySql } from "./UserRepositorySql.js"

/** Every repository written on SqlClient (and the bulk import writers), for whichever database provides it. */
export const repositories = Layer.mergeAll(
  LeadRepositorySql,
  ContactRepositorySql,
  ActivityRepositorySql,
  AuditLogSql,
  TransactorSql,
  OrganizationRepositorySql,
  UserRepositorySql,
  MembershipRepositorySql,
  SessionRepositorySql,
  OneTimeLinkRepositorySql,
  RefreshTokenRepositorySql,
  ApiKeyRepositorySql,
  ConversationRepositorySql,
  DataSourceRepositorySql,
  CampaignRepositorySql,
  ProductRepositorySql,
  TaskQueueSql,
  KnowledgeRepositorySql,
  ExportReaderSql,
  // the bulk import writers pick COPY when PostgreSQL's pool (PgPool) or PGlite is in context
  LeadImportWriterSql,
  ContactImportWriterSql
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
