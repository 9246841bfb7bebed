import { AuditCheckpointKey } from "@leadforge/domain"
import { type ConfigError, Effect, Layer } from "effect"
import { AUDIT_CHECKPOINT_KEY_MIN_LENGTH, RuntimeSettings, type Settings, settingsLayer } from "./Settings.js"

const hint = `set AUDIT_CHECKPOINT_KEY (at least ${AUDIT_CHECKPOINT_KEY_MIN_LENGTH} characters) in the environment of the server or CLI`

/** The checkpoint key from AUDIT_CHECKPOINT_KEY; without it every checkpoint request says how to set one. */
export const auditCheckpointKeyFor = (settings: Settings): Layer.Layer<AuditCheckpointKey> =>
  Layer.succeed(AuditCheckpointKey, AuditCheckpointKey.of({ key: settings.auditCheckpointKey, hint }))

export const auditCheckpointKey: Layer.Layer<AuditCheckpointKey, ConfigError.ConfigError> = Layer.unwrapEffect(
  Effect.map(RuntimeSettings, auditCheckpointKeyFor)
).pipe(Layer.provide(settingsLayer))
