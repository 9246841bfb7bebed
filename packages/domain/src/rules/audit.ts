import { sha256 } from "@noble/hashes/sha2.js"
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js"
import { type AuditAction, type AuditEntityType, AuditEvent, type AuditEventDraft } from "../model/AuditEvent.js"

/**
 * Where and why a chain fails verification. `sequence` and `eventId` name the event to look at (`eventId` is null
 * when that event is gone); `brokenAt` is its 0-based position in the list that was checked, kept for callers that
 * read it. `kind` says how: a link that does not verify, events missing after the chain's end (truncated), or a
 * chain that verifies but is not the one a checkpoint vouched for (rewritten).
 */
export interface ChainBreak {
  readonly valid: false
  readonly kind: "link" | "truncated" | "rewritten"
  readonly sequence: number
  readonly eventId: string | null
  readonly brokenAt: number
  readonly reason: string
}

export type ChainVerification =
  | { readonly valid: true; readonly length: number; readonly checkpointSequence?: number }
  | ChainBreak

/**
 * Deterministic JSON: object keys sorted, Dates as ISO strings, undefined dropped, no whitespace.
 * Class instances are serialized by their own enumerable fields; non-finite numbers become null
 * (as JSON.stringify does); bigints become decimal strings.
 */
export const canonicalJson = (value: unknown): string => {
  if (value === null) return "null"
  switch (typeof value) {
    case "string":
    case "boolean":
      return JSON.stringify(value)
    case "number":
      return Number.isFinite(value) ? JSON.stringify(value) : "null"
    case "bigint":
      return JSON.stringify(value.toString())
    case "object": {
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? "null" : JSON.stringify(value.toISOString())
      if (Array.isArray(value)) {
        return `[${value.map((item) => (item === undefined || typeof item === "function" ? "null" : canonicalJson(item))).join(",")}]`
      }
      const record = value as Record<string, unknown>
      const parts: Array<string> = []
      for (const key of Object.keys(record).sort()) {
        const field = record[key]
        if (field === undefined || typeof field === "function" || typeof field === "symbol") continue
        parts.push(`${JSON.stringify(key)}:${canonicalJson(field)}`)
      }
      return `{${parts.join(",")}}`
    }
    default:
      return "null"
  }
}

const hashedFields = (event: Omit<AuditEvent, "hash">) => ({
  id: event.id,
  organizationId: event.organizationId,
  at: event.at,
  actor: { type: event.actor.type, id: event.actor.id },
  action: event.action,
  entityType: event.entityType,
  entityId: event.entityId,
  details: event.details,
  sequence: event.sequence,
  prevHash: event.prevHash
})

/** hex SHA-256 over `prevHash ("" for the first link) + "\n" + canonicalJson(every field but hash)`. */
export const auditEventHash = (event: Omit<AuditEvent, "hash">): string =>
  bytesToHex(sha256(utf8ToBytes(`${event.prevHash ?? ""}\n${canonicalJson(hashedFields(event))}`)))

/**
 * Links a draft to the chain: sequence, prevHash = previous.hash, hash = SHA-256(prevHash ‖ canonical event).
 * Chains are per organization, so linking a draft of another organization is a programming error: it throws
 * rather than return an event that verifyAuditChain would reject.
 */
export const chainAuditEvent = (previous: AuditEvent | null, draft: AuditEventDraft): AuditEvent => {
  if (previous !== null && previous.organizationId !== draft.organizationId) {
    throw new Error(
      `chainAuditEvent: draft of organization ${draft.organizationId} cannot follow an event of ${previous.organizationId}`
    )
  }
  const unhashed = {
    id: draft.id,
    organizationId: draft.organizationId,
    at: draft.at,
    actor: draft.actor,
    action: draft.action,
    entityType: draft.entityType,
    entityId: draft.entityId,
    details: draft.details,
    sequence: previous === null ? 1 : previous.sequence + 1,
    prevHash: previous === null ? null : previous.hash
  }
  return new AuditEvent({ ...unhashed, hash: auditEventHash(unhashed) })
}

/**
 * Checks a whole chain from its first link (sequence 1). Reports the FIRST event that is wrong (its sequence, id
 * and position): another organization, a sequence out of order, a prevHash that does not link to its
 * predecessor, or a hash that does not match its content. A chain cut short at its end still verifies: only a
 * checkpoint kept elsewhere can tell (verifyAuditChainAgainst).
 */
export const verifyAuditChain = (events: ReadonlyArray<AuditEvent>): ChainVerification => {
  const first = events[0]
  if (first === undefined) return { valid: true, length: 0 }
  for (let index = 0; index < events.length; index++) {
    const event = events[index]!
    const previous = index === 0 ? null : events[index - 1]!
    const broken = (reason: string): ChainVerification => ({
      valid: false,
      kind: "link",
      sequence: event.sequence,
      eventId: event.id,
      brokenAt: index,
      reason
    })
    if (event.organizationId !== first.organizationId) {
      return broken(`organization ${event.organizationId} differs from the chain's ${first.organizationId}`)
    }
    const expectedSequence = previous === null ? 1 : previous.sequence + 1
    if (event.sequence !== expectedSequence) {
      return broken(`sequence ${event.sequence}, expected ${expectedSequence}`)
    }
    const expectedPrev = previous === null ? null : previous.hash
    if (event.prevHash !== expectedPrev) return broken("prevHash does not link to the previous event's hash")
    if (event.hash !== auditEventHash(event)) return broken("hash does not match the event's content")
  }
  return { valid: true, length: events.length }
}

/** RFC 5322 atext local parts (no quoted forms); the TLD may be punycode (`xn--…`). */
const EMAIL =
  /[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z](?:[A-Za-z0-9-]*[A-Za-z0-9])?/g
/** Digit groups with phone separators; filtered by digit count and shape in maskPhone. */
const PHONE_CANDIDATE = /(?<![\w+.-])(?:\+|\(\+?)?\d[\d\s().-]*\d(?![\w-])/g
const ISO_DATE_START = /^\d{4}-\d{2}-\d{2}/
const DECIMAL = /^\d+(?:\.\d+)?$/

/** `j***@acme.com`; a one-character local part is masked whole (its first character would be all of it). */
const maskEmail = (email: string): string => {
  const at = email.lastIndexOf("@")
  return `${at > 1 ? email[0] : ""}***${email.slice(at)}`
}

/**
 * A candidate is a phone when it has 7–15 digits and either starts with `+`/`(`, or has separators and is not a
 * date or a decimal, or is a bare run of 10–15 digits. Plain numbers ("42 employees", "1500000"), ISO dates and
 * UUIDs (digit groups touching letters or dashes) are left alone.
 */
const isPhone = (candidate: string): boolean => {
  const digits = candidate.replace(/\D/g, "").length
  if (digits < 7 || digits > 15 || !/\d$/.test(candidate)) return false
  if (candidate[0] === "+" || candidate[0] === "(") return true
  if (!/^\d/.test(candidate) || ISO_DATE_START.test(candidate)) return false
  return !DECIMAL.test(candidate) || (!candidate.includes(".") && digits >= 10)
}

const maskDigits = (phone: string): string => `***${phone.replace(/\D/g, "").slice(-2)}`

/** A long candidate may be several numbers in a row ("3.14 (030) 1234567"): take the longest phone from each word. */
const maskPhone = (candidate: string): string => {
  if (isPhone(candidate)) return maskDigits(candidate)
  const parts = candidate.split(/(\s+)/)
  if (parts.length === 1) return candidate
  let out = ""
  for (let i = 0; i < parts.length; i++) {
    let matched = false
    if (i % 2 === 0) {
      for (let j = parts.length - 1; j >= i; j -= 2) {
        const window = parts.slice(i, j + 1).join("")
        if (isPhone(window)) {
          out += maskDigits(window)
          i = j
          matched = true
          break
        }
      }
    }
    if (!matched) out += parts[i]
  }
  return out
}

const redactString = (text: string): string => text.replace(EMAIL, maskEmail).replace(PHONE_CANDIDATE, maskPhone)

/**
 * Masks email addresses (`j***@acme.com`) and phone numbers (`***23`) in every string anywhere inside
 * free-form details: nested objects and arrays are copied, keys and non-string values are kept.
 */
export const redactPII = <A>(details: A): A => redactValue(details) as A

const redactValue = (value: unknown): unknown => {
  if (typeof value === "string") return redactString(value)
  if (Array.isArray(value)) return value.map(redactValue)
  if (value !== null && typeof value === "object" && !(value instanceof Date)) {
    const out: Record<string, unknown> = {}
    for (const [key, field] of Object.entries(value)) out[key] = redactValue(field)
    return out
  }
  return value
}

const everyAction: ReadonlyArray<AuditAction> = [
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
]

/**
 * Which changes are audited, per entity type. Decision: every write to every entity type is audited. The log is
 * tamper-evident only if it is complete; one row per write is cheap next to the write itself, and a policy with
 * holes invites "why wasn't this recorded?" incidents. The table exists so that a narrower policy is one edit.
 */
export const auditPolicy: Readonly<Record<AuditEntityType, ReadonlySet<AuditAction>>> = {
  organization: new Set(everyAction),
  user: new Set(everyAction),
  membership: new Set(everyAction),
  session: new Set(everyAction),
  invitation: new Set(everyAction),
  api_key: new Set(everyAction),
  lead: new Set(everyAction),
  contact: new Set(everyAction),
  activity: new Set(everyAction),
  campaign: new Set(everyAction),
  product: new Set(everyAction),
  knowledge_doc: new Set(everyAction),
  research_task: new Set(everyAction),
  import: new Set(everyAction)
}

/** The domain's rule for which changes are audited. */
export const isAudited = (entityType: AuditEntityType, action: AuditAction): boolean =>
  auditPolicy[entityType]?.has(action) ?? false
