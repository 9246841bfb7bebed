import { Schema } from "effect"
import { AuditEventId, OrganizationId } from "./ids.js"

const HexDigest = Schema.String.pipe(Schema.pattern(/^[0-9a-f]{64}$/))

/**
 * A signed statement of an organization's audit head: "at `issuedAt` the chain ended at `sequence` with `hash`".
 * Kept outside the database (as Certificate Transparency's signed tree heads are), it lets a later verification
 * notice events deleted from the end or a chain rewritten before it. An empty chain has sequence 0 and no head.
 */
export class AuditCheckpoint extends Schema.Class<AuditCheckpoint>("AuditCheckpoint")({
  organizationId: OrganizationId,
  sequence: Schema.Int.pipe(Schema.nonNegative()),
  eventId: Schema.NullOr(AuditEventId),
  hash: Schema.NullOr(HexDigest),
  issuedAt: Schema.Date,
  algorithm: Schema.Literal("HMAC-SHA-256"),
  /** hex HMAC-SHA-256 of the checkpoint's signed message under the server's checkpoint key. */
  signature: HexDigest
}) {}
