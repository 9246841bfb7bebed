export { ActivityRepositorySql } from "./ActivityRepositorySql.js"
export { ApiKeyRepositorySql } from "./ApiKeyRepositorySql.js"
export { AuditLogSql } from "./AuditLogSql.js"
export { ContactImportWriterSql, LeadImportWriterSql } from "./bulk/index.js"
export { CampaignRepositorySql } from "./CampaignRepositorySql.js"
export { ContactRepositorySql } from "./ContactRepositorySql.js"
export { ConversationRepositorySql } from "./ConversationRepositorySql.js"
export { DataSourceRepositorySql } from "./DataSourceRepositorySql.js"
export { ExportReaderSql } from "./ExportReaderSql.js"
export * as SqlErrors from "./errors.js"
export { KnowledgeRepositorySql } from "./KnowledgeRepositorySql.js"
export { identityKeyOf, LeadRepositorySql } from "./LeadRepositorySql.js"
export { LEAD_COLUMNS, LEAD_SELECT_LIST, type LeadRecord, leadFromRow, leadParams } from "./leadRow.js"
export { MembershipRepositorySql } from "./MembershipRepositorySql.js"
export {
  EMBEDDING_DIMENSION,
  migrate,
  migrationRecord,
  migrationReport,
  migrationReportKey,
  migrations,
  vectorBackend
} from "./migrations.js"
export { OneTimeLinkRepositorySql } from "./OneTimeLinkRepositorySql.js"
export { OrganizationRepositorySql } from "./OrganizationRepositorySql.js"
export * as Persistence from "./Persistence.js"
export { ProductRepositorySql } from "./ProductRepositorySql.js"
export { RefreshTokenRepositorySql } from "./RefreshTokenRepositorySql.js"
export { SessionRepositorySql } from "./SessionRepositorySql.js"
export { TaskQueueSql } from "./TaskQueueSql.js"
export * from "./TransactorSql.js"
export { UserRepositorySql } from "./UserRepositorySql.js"
