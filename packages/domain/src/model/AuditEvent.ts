import { Schema } from "effect"
import { Actor } from "./common.js"
import { AuditEventId, OrganizationId } from "./ids.js"

export const AuditAction = Schema.Literal(
  "create",
  "update",
  "delete",
  "merge",
  "status_change",
  "import",
  "enrich",
  "research",
  "sign_in",
  "sign_in_failed",
  "sign_out",
  "token_reuse",
  "accept",
  "unlock",
  "password_reset"
)
export type AuditAction = typeof AuditAction.Type

export const AuditEntityType = Schema.Literal(
  "organization",
  "user",
  "membership",
  "session",
  "invitation",
  "api_key",
  "lead",
  "contact",
  "activity",
  "campaign",
  "product",
  "knowledge_doc",
  "research_task",
  "import"
)
export type AuditEntityType = typeof AuditEntityType.Type

const Sha256Hex = Schema.String.pipe(Schema.pattern(/^[0-9a-f]{64}$/))

/** What a use case wants recorded; chainAuditEvent turns it into an AuditEvent. */
export class AuditEventDraft extends Schema.Class<AuditEventDraft>("AuditEventDraft")({
  id: AuditEventId,
  organizationId: OrganizationId,
  at: Schema.Date,
  actor: Actor,
  action: AuditAction,
  entityType: AuditEntityType,
  entityId: Schema.String,
  /** Free-form details, already passed through redactPII. */
  details: Schema.Record({ key: Schema.String, value: Schema.Unknown })
}) {}

/** One link of an organization's tamper-evident audit chain. */
export class AuditEvent extends Schema.Class<AuditEvent>("AuditEvent")({
  ...AuditEventDraft.fields,
  /** Position in the organization's chain, from 1. */
  sequence: Schema.Int.pipe(Schema.positive()),
  prevHash: Schema.NullOr(Sha256Hex),
  hash: Sha256Hex
}) {}
