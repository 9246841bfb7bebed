import { Layer } from "effect"
import {
  ApiKeyRepositoryMemory,
  OrganizationRepositoryMemory,
  UserRepositoryMemory
} from "./AccountRepositoriesMemory.js"
import { ActivityRepositoryMemory } from "./ActivityRepositoryMemory.js"
import { AuditLogMemory } from "./AuditLogMemory.js"
import { CampaignRepositoryMemory, ProductRepositoryMemory } from "./CatalogRepositoriesMemory.js"
import { ContactRepositoryMemory } from "./ContactRepositoryMemory.js"
import { KnowledgeRepositoryMemory } from "./KnowledgeRepositoryMemory.js"
import { LeadRepositoryMemory } from "./LeadRepositoryMemory.js"
import { MemoryStoreLive } from "./MemoryStore.js"
import { ConversationRepositoryMemory, DataSourceRepositoryMemory } from "./SourceRepositoriesMemory.js"
import { TaskQueueMemory } from "./TaskQueueMemory.js"
import { TransactorMemory } from "./TransactorMemory.js"
import { VectorIndexMemory } from "./VectorIndexMemory.js"

export * from "./AccountRepositoriesMemory.js"
export * from "./ActivityRepositoryMemory.js"
export * from "./AuditLogMemory.js"
export * from "./CatalogRepositoriesMemory.js"
export * from "./ContactRepositoryMemory.js"
export * from "./IdempotencyStoreMemory.js"
export * from "./KnowledgeRepositoryMemory.js"
export * from "./LeadRepositoryMemory.js"
export { MemoryStore, MemoryStoreLive, type Tables } from "./MemoryStore.js"
export * from "./RateLimitStoreMemory.js"
export * from "./SourceRepositoriesMemory.js"
export * from "./TaskQueueMemory.js"
export * from "./TransactorMemory.js"
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
  ApiKeyRepositoryMemory,
  CampaignRepositoryMemory,
  ProductRepositoryMemory,
  ConversationRepositoryMemory,
  DataSourceRepositoryMemory
)

/** Every in-memory port on one fresh store; the store is exposed too, for tests that inspect it. */
export const layer = layerWithoutStore.pipe(Layer.provideMerge(MemoryStoreLive))
