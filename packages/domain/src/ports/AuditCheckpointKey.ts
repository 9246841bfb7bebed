import type { Redacted } from "effect"
import { Context, type Option, Schema } from "effect"

/** No key to sign or check audit checkpoints with; whoever runs the server must configure one. */
export class AuditCheckpointNotConfigured extends Schema.TaggedError<AuditCheckpointNotConfigured>()(
  "AuditCheckpointNotConfigured",
  { hint: Schema.String }
) {
  readonly code = "audit_checkpoint_not_configured"
  override get message() {
    return `no audit checkpoint key is configured: ${this.hint}`
  }
}

export declare namespace AuditCheckpointKey {
  export interface Service {
    /** The secret that signs and checks checkpoints; none when the server has not been given one. */
    readonly key: Option.Option<Redacted.Redacted<string>>
    /** How to configure one, for the error when there is none (e.g. the setting's name). */
    readonly hint: string
  }
}

export class AuditCheckpointKey extends Context.Tag("@leadforge/domain/AuditCheckpointKey")<
  AuditCheckpointKey,
  AuditCheckpointKey.Service
>() {}
