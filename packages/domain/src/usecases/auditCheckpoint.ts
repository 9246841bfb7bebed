import { Effect, Option, Redacted, Schema } from "effect"
import type { AuditCheckpoint } from "../model/AuditCheckpoint.js"
import type { OrganizationId } from "../model/ids.js"
import { AuditCheckpointKey, AuditCheckpointNotConfigured } from "../ports/AuditCheckpointKey.js"
import { AuditLog } from "../ports/AuditLog.js"
import { type ChainVerification, verifyAuditChain } from "../rules/audit.js"
import {
  auditCheckpointStatement,
  hasValidAuditCheckpointSignature,
  signAuditCheckpoint,
  verifyAuditChainAgainst
} from "../rules/auditCheckpoint.js"
import { currentDate } from "./UseCaseContext.js"

/** A checkpoint is only issued over a chain that verifies: signing a tampered head would vouch for it. */
export class AuditChainBroken extends Schema.TaggedError<AuditChainBroken>()("AuditChainBroken", {
  sequence: Schema.Int,
  eventId: Schema.NullOr(Schema.String),
  reason: Schema.String
}) {
  readonly code = "audit_chain_broken"
  override get message() {
    return `the audit chain is broken at sequence ${this.sequence}${this.eventId === null ? "" : ` (event ${this.eventId})`}: ${this.reason}`
  }
}

/** A checkpoint that cannot be trusted or does not apply: a signature that does not match, another organization. */
export class InvalidAuditCheckpoint extends Schema.TaggedError<InvalidAuditCheckpoint>()("InvalidAuditCheckpoint", {
  reason: Schema.String
}) {
  readonly code = "invalid_audit_checkpoint"
  override get message() {
    return `invalid audit checkpoint: ${this.reason}`
  }
}

const checkpointKey = Effect.flatMap(AuditCheckpointKey, (service) =>
  Option.match(service.key, {
    onNone: () => Effect.fail(new AuditCheckpointNotConfigured({ hint: service.hint })),
    onSome: (key) => Effect.succeed(Redacted.value(key))
  })
)

/** Verifies the organization's whole chain (no checkpoint: deletions at its end go unnoticed). */
export const verifyAuditTrail = (organizationId: OrganizationId) =>
  Effect.map(
    Effect.flatMap(AuditLog, (log) => log.chain(organizationId)),
    (chain): ChainVerification => verifyAuditChain(chain)
  )

/** Signs the head of the organization's chain, after verifying the chain. */
export const issueAuditCheckpoint = (organizationId: OrganizationId) =>
  Effect.gen(function* () {
    const key = yield* checkpointKey
    const chain = yield* (yield* AuditLog).chain(organizationId)
    const verified = verifyAuditChain(chain)
    if (!verified.valid) {
      return yield* new AuditChainBroken({
        sequence: verified.sequence,
        eventId: verified.eventId,
        reason: verified.reason
      })
    }
    return signAuditCheckpoint(auditCheckpointStatement(organizationId, chain, yield* currentDate), key)
  })

/**
 * Verifies the organization's chain against a checkpoint issued earlier: its signature must match under this
 * server's key and it must be the organization's own; then truncation and rewriting are reported as chain breaks.
 */
export const verifyAuditTrailAgainst = (organizationId: OrganizationId, checkpoint: AuditCheckpoint) =>
  Effect.gen(function* () {
    const key = yield* checkpointKey
    if (!hasValidAuditCheckpointSignature(checkpoint, key)) {
      return yield* new InvalidAuditCheckpoint({
        reason: "its signature does not match: it was changed after it was issued, or signed with another key"
      })
    }
    if (checkpoint.organizationId !== organizationId) {
      return yield* new InvalidAuditCheckpoint({
        reason: `it was issued for organization ${checkpoint.organizationId}, not ${organizationId}`
      })
    }
    return verifyAuditChainAgainst(yield* (yield* AuditLog).chain(organizationId), checkpoint)
  })
