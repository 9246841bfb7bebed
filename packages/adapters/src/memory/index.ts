import { Layer } from "effect"
import { ActivityRepositoryMemory } from "./ActivityRepositoryMemory.js"
import { ApiKeyRepositoryMemory } from "./ApiKeyRepositoryMemory.js"
import { AuditLogMemory } from "./AuditLogMemory.js"
import { CampaignRepositoryMemory } from "./CampaignRepositoryMemory.js"
import { ContactImportWriterMemory } from "./ContactImportWriterMemory.js"
import { ContactRepositoryMemory } from "./ContactRepositoryMemory.js"
import { ConversationRepositoryMemory } from "./ConversationRepositoryMemory.js"
import { DataSourceRepositoryMemory } from "./DataSourceRepositoryMemory.js"
import { ExportReaderMemory } from "./ExportReaderMemory.js"
import { KnowledgeRepositoryMemory } from "./KnowledgeRepositoryMemory.js"
import { LeadImportWriterMemory } from "./LeadImportWriterMemory.js"
import { LeadRepositoryMemory } from "./LeadRepositoryMemory.js"
import { MembershipRepositoryMemory } from "./MembershipRepositoryMemory.js"
import { MemoryStoreLive } from "./MemoryStore.js"
import { OneTimeLinkRepositoryMemory } from "./OneTimeLinkRepositoryMemory.js"
import { OrganizationRepositoryMemory } from "./OrganizationRepositoryMemory.js"
import { ProductRepositoryMemory } from "./ProductRepositoryMemory.js"
import { RefreshTokenRepositoryMemory } from "./RefreshTokenRepositoryMemory.js"
import { SessionRepositoryMemory } from "./SessionRepositoryMemory.js"
import { TaskQueueMemory } from "./TaskQueueMemory.js"
import { TransactorMemory } from "./TransactorMemory.js"
import { UserRepositoryMemory } from "./UserRepositoryMemory.js"
import { VectorIndexMemory } from "./VectorIndexMemory.js"

export * from "./ActivityRepositoryMemory.js"
export * from "./ApiKeyRepositoryMemory.js"
export * from "./AuditLogMemory.js"
export * from "./CampaignRepositoryMemory.js"
export * from "./ContactImportWriterMemory.js"
export * from "./ContactRepositoryMemory.js"
export * from "./ConversationRepositoryMemory.js"
export * from "./DataSourceRepositoryMemory.js"
export * from "./ExportReaderMemory.js"
export * from "./IdempotencyStoreMemory.js"
export * from "./KnowledgeRepositoryMemory.js"
export * from "./LeadImportWriterMemory.js"
export * from "./LeadRepositoryMemory.js"
export * from "./MembershipRepositoryMemory.js"
export { MemoryStore, MemoryStoreLive, type Tables } from "./MemoryStore.js"
export * from "./OneTimeLinkRepositoryMemory.js"
export * from "./OrganizationRepositoryMemory.js"
export * from "./ProductRepositoryMemory.js"
export * from "./RateLimitStoreMemory.js"
export * from "./RefreshTokenRepositoryMemory.js"
export * from "./SessionRepositoryMemory.js"
export * from "./TaskQueueMemory.js"
export * from "./TransactorMemory.js"
export * from "./UserRepositoryMemory.js"
export * from "./VectorIndexMemory.js"

/** Every port except the store itself, over a given MemoryStore (so callers can share or inspect it). */
export const layerWithoutStore = Layer.mergeAll(
  LeadRepositoryMemory,
  ContactRepositoryMemory,
  ActivityRepositoryMemory,
  AuditLogMemory,
  TransactorMemory,
  KnowledgeRepositoryMemory,
  VectorIndexMemory,
  TaskQueueMemory,
  OrganizationRepositoryMemory,
  UserRepositoryMemory,
  MembershipRepositoryMemory,
  SessionRepositoryMemory,
  OneTimeLinkRepositoryMemory,
  RefreshTokenRepositoryMemory,
  ApiKeyRepositoryMemory,
  CampaignRepositoryMemory,
  ProductRepositoryMemory,
  ConversationRepositoryMemory,
  DataSourceRepositoryMemory,
  LeadImportWriterMemory,
  ContactImportWriterMemory,
  ExportReaderMemory
)

/** Every in-memory port on one fresh store; the store is exposed too, for tests that inspect it. */
export const layer = layerWithoutStore.pipe(Layer.provideMerge(MemoryStoreLive))
