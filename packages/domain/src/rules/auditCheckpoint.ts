import { hmac } from "@noble/hashes/hmac.js"
import { sha256 } from "@noble/hashes/sha2.js"
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js"
import { AuditCheckpoint } from "../model/AuditCheckpoint.js"
import type { AuditEvent } from "../model/AuditEvent.js"
import type { OrganizationId } from "../model/ids.js"
import { type ChainVerification, canonicalJson, verifyAuditChain } from "./audit.js"

/** What a checkpoint states, before it is signed. */
export interface AuditCheckpointStatement {
  readonly organizationId: OrganizationId
  readonly sequence: number
  readonly eventId: AuditEvent["id"] | null
  readonly hash: string | null
  readonly issuedAt: Date
}

/** The bytes that are signed: a versioned prefix (so no other message of ours can pass for one) and the fields. */
export const auditCheckpointMessage = (statement: AuditCheckpointStatement): string =>
  `leadforge-audit-checkpoint/v1\n${canonicalJson({
    organizationId: statement.organizationId,
    sequence: statement.sequence,
    eventId: statement.eventId,
    hash: statement.hash,
    issuedAt: statement.issuedAt
  })}`

const mac = (statement: AuditCheckpointStatement, key: string): string =>
  bytesToHex(hmac(sha256, utf8ToBytes(key), utf8ToBytes(auditCheckpointMessage(statement))))

/** The statement of a chain's head (sequence 0 and no head for an empty chain). */
export const auditCheckpointStatement = (
  organizationId: OrganizationId,
  events: ReadonlyArray<AuditEvent>,
  issuedAt: Date
): AuditCheckpointStatement => {
  const head = events.at(-1)
  return {
    organizationId,
    sequence: head?.sequence ?? 0,
    eventId: head?.id ?? null,
    hash: head?.hash ?? null,
    issuedAt
  }
}

/** Signs a statement with HMAC-SHA-256 under `key`. */
export const signAuditCheckpoint = (statement: AuditCheckpointStatement, key: string): AuditCheckpoint =>
  new AuditCheckpoint({ ...statement, algorithm: "HMAC-SHA-256", signature: mac(statement, key) })

/** Whether `checkpoint` was signed under `key` and not changed since; the comparison takes the same time throughout. */
export const hasValidAuditCheckpointSignature = (checkpoint: AuditCheckpoint, key: string): boolean => {
  const expected = mac(checkpoint, key)
  const given = checkpoint.signature
  if (given.length !== expected.length) return false
  let difference = 0
  for (let i = 0; i < expected.length; i++) difference |= expected.charCodeAt(i) ^ given.charCodeAt(i)
  return difference === 0
}

/**
 * Verifies a chain and then holds it to a checkpoint whose signature the caller has checked: the chain must reach
 * the checkpoint's sequence (else events were deleted from its end: truncated) and the event there must have the
 * checkpoint's hash (else the chain was rewritten at or before it, with every hash recomputed). A break in the chain
 * itself is reported first, being the earliest evidence. Events after the checkpoint are checked as links only.
 */
export const verifyAuditChainAgainst = (
  events: ReadonlyArray<AuditEvent>,
  checkpoint: AuditCheckpointStatement
): ChainVerification => {
  const chain = verifyAuditChain(events)
  if (!chain.valid) return chain
  if (checkpoint.sequence === 0) return { ...chain, checkpointSequence: 0 }
  const last = events.at(-1)?.sequence ?? 0
  if (last < checkpoint.sequence) {
    const missing =
      last + 1 === checkpoint.sequence
        ? `event ${checkpoint.sequence} is missing`
        : `events ${last + 1} to ${checkpoint.sequence} are missing`
    return {
      valid: false,
      kind: "truncated",
      sequence: checkpoint.sequence,
      eventId: checkpoint.eventId,
      brokenAt: events.length,
      reason: `the chain ends at sequence ${last} but the checkpoint issued ${checkpoint.issuedAt.toISOString()} vouches for sequence ${checkpoint.sequence}: ${missing}`
    }
  }
  const index = checkpoint.sequence - 1
  const event = events[index]!
  if (event.hash !== checkpoint.hash || event.id !== checkpoint.eventId) {
    return {
      valid: false,
      kind: "rewritten",
      sequence: checkpoint.sequence,
      eventId: event.id,
      brokenAt: index,
      reason: `the event at sequence ${checkpoint.sequence} is not the one the checkpoint issued ${checkpoint.issuedAt.toISOString()} vouches for: the chain was rewritten at or before it`
    }
  }
  return { ...chain, checkpointSequence: checkpoint.sequence }
}
