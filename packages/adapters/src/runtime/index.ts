/**
 * The composition root: the only code that reads the environment to choose backends. `serve`, `worker` and every
 * CLI command take their layers from here.
 */

export { PasswordHasherArgon2 as passwordHasher } from "../crypto/PasswordHasherArgon2.js"
/** The embedded database's open errors, which the runtime's persistence can fail with. */
export { DataDirLocked, PgliteOpenFailed } from "../pglite/PgliteStore.js"
export { auditCheckpointKey, auditCheckpointKeyFor } from "./AuditCheckpoint.js"
export { AUTH_SIGNING_KEY_MIN_LENGTH, accessTokens } from "./Auth.js"
export {
  type MigrationState,
  migrateToHead,
  migrationLevel,
  migrationStatus,
  type PersistenceError,
  type Provided,
  persistence,
  persistenceFor
} from "./Database.js"
export { DOT_ENV, DotEnvUnreadable, dotEnvConfig, readDotEnv, withFallback } from "./DotEnv.js"
export {
  dropVectorIndex,
  embedder,
  embedderFor,
  everyOrganization,
  knowledge,
  knowledgeFor,
  knowledgeServices,
  openVectorIndex,
  PROBE_TIMEOUT_MS,
  type VectorIndexOpenError,
  vectorIndex,
  vectorIndexFor
} from "./Knowledge.js"
export { languageModel, languageModelFor } from "./LanguageModel.js"
export {
  AUDIT_CHECKPOINT_KEY_MIN_LENGTH,
  backendsOf,
  type DatabaseChoice,
  databaseDescription,
  describeDatabase,
  optionalSecret,
  optionalText,
  RuntimeSettings,
  readSettings,
  type Settings,
  settingsLayer,
  type VectorChoice,
  type WebSettings
} from "./Settings.js"
export { stores, storesFor } from "./Stores.js"
export { systemProbe, VERSION } from "./SystemProbe.js"
export { type WebServices, web, webFor } from "./Web.js"
