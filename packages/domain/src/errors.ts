import { ParseResult, Schema } from "effect"
import { ContactId, LeadId } from "./model/ids.js"

/** One failing field: a path into the input, a stable code, and why. */
export class FieldIssue extends Schema.Class<FieldIssue>("FieldIssue")({
  field: Schema.String,
  code: Schema.String,
  message: Schema.String
}) {}

/** At most this many characters of a value the caller sent are echoed back in an issue's message. */
export const MAX_ECHOED = 100

const cut = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max)}…`)

/**
 * A schema message with the value it echoes ("…, actual <value>") cut to MAX_ECHOED characters, so that a 1 MB
 * input does not come back as a 1 MB error; a message that echoes nothing is cut at a few lines' length.
 */
export const clipMessage = (message: string): string => {
  const at = message.indexOf("actual ")
  if (at === -1) return cut(message, 4 * MAX_ECHOED)
  return `${cut(message.slice(0, at), 4 * MAX_ECHOED)}actual ${cut(message.slice(at + 7), MAX_ECHOED)}`
}

/**
 * One formatted schema issue as a FieldIssue: its path joined with dots ("(root)" when empty); a field the schema
 * does not know is `unknown_field`.
 */
export const fieldIssueOf = (issue: ParseResult.ArrayFormatterIssue): FieldIssue =>
  new FieldIssue({
    field: issue.path.length === 0 ? "(root)" : cut(issue.path.map(String).join("."), 4 * MAX_ECHOED),
    code: issue._tag === "Missing" ? "required" : issue._tag === "Unexpected" ? "unknown_field" : "invalid",
    message: issue._tag === "Unexpected" ? "is not a field of this request" : clipMessage(issue.message)
  })

/** Every issue of a schema failure, one FieldIssue each; anything that is not a ParseError is one root issue. */
export const toFieldIssues = (error: unknown): Array<FieldIssue> =>
  ParseResult.isParseError(error)
    ? ParseResult.ArrayFormatter.formatErrorSync(error).map(fieldIssueOf)
    : [new FieldIssue({ field: "(root)", code: "invalid", message: String(error) })]

export class ValidationFailed extends Schema.TaggedError<ValidationFailed>()("ValidationFailed", {
  entity: Schema.String,
  issues: Schema.Array(FieldIssue)
}) {
  readonly code = "validation_failed"
  override get message() {
    return `invalid ${this.entity}: ${this.issues.map((i) => `${i.field}: ${i.message}`).join("; ")}`
  }
}

export class LeadNotFound extends Schema.TaggedError<LeadNotFound>()("LeadNotFound", { leadId: Schema.String }) {
  readonly code = "lead_not_found"
  override get message() {
    return `no lead with id ${this.leadId}`
  }
}

export class ContactNotFound extends Schema.TaggedError<ContactNotFound>()("ContactNotFound", {
  contactId: Schema.String
}) {
  readonly code = "contact_not_found"
  override get message() {
    return `no contact with id ${this.contactId}`
  }
}

/** Any other entity that does not exist (or belongs to another organization). */
export class EntityNotFound extends Schema.TaggedError<EntityNotFound>()("EntityNotFound", {
  entity: Schema.String,
  id: Schema.String
}) {
  readonly code = "not_found"
  override get message() {
    return `no ${this.entity} with id ${this.id}`
  }
}

export class DuplicateLead extends Schema.TaggedError<DuplicateLead>()("DuplicateLead", {
  existingLeadId: LeadId,
  identity: Schema.String
}) {
  readonly code = "duplicate_lead"
  override get message() {
    return `a lead with identity ${this.identity} already exists: ${this.existingLeadId}`
  }
}

export class DuplicateContact extends Schema.TaggedError<DuplicateContact>()("DuplicateContact", {
  existingContactId: ContactId,
  email: Schema.String
}) {
  readonly code = "duplicate_contact"
  override get message() {
    return `a contact with email ${this.email} already exists: ${this.existingContactId}`
  }
}

/** A unique constraint on something other than leads and contacts. */
export class UniqueConflict extends Schema.TaggedError<UniqueConflict>()("UniqueConflict", {
  entity: Schema.String,
  field: Schema.String,
  existingId: Schema.String
}) {
  readonly code = "conflict"
  override get message() {
    return `a ${this.entity} with the same ${this.field} already exists: ${this.existingId}`
  }
}

/** Optimistic concurrency: the record changed since the caller read it. */
export class VersionConflict extends Schema.TaggedError<VersionConflict>()("VersionConflict", {
  entity: Schema.String,
  id: Schema.String,
  expectedVersion: Schema.Number,
  actualVersion: Schema.Number
}) {
  readonly code = "version_conflict"
  override get message() {
    return `${this.entity} ${this.id} is at version ${this.actualVersion}, not ${this.expectedVersion}; re-read and retry`
  }
}

export class InvalidMerge extends Schema.TaggedError<InvalidMerge>()("InvalidMerge", { reason: Schema.String }) {
  readonly code = "invalid_merge"
  override get message() {
    return `cannot merge: ${this.reason}`
  }
}

/** A backing service (database, vector store, model) could not be reached or timed out. */
export class Unavailable extends Schema.TaggedError<Unavailable>()("Unavailable", {
  service: Schema.String,
  reason: Schema.String
}) {
  readonly code = "unavailable"
  override get message() {
    return `${this.service} is unavailable: ${this.reason}`
  }
}

/** A knowledge document larger than the configured limit (KNOWLEDGE_MAX_DOCUMENT_BYTES), in UTF-8 bytes. */
export class DocumentTooLarge extends Schema.TaggedError<DocumentTooLarge>()("DocumentTooLarge", {
  bytes: Schema.Number,
  limit: Schema.Number
}) {
  readonly code = "document_too_large"
  override get message() {
    return `the document's text is ${this.bytes} bytes (UTF-8); the limit is ${this.limit} bytes (KNOWLEDGE_MAX_DOCUMENT_BYTES)`
  }
}

/** The email or password is wrong, or the account is locked: one answer for all, so accounts cannot be probed. */
export class InvalidCredentials extends Schema.TaggedError<InvalidCredentials>()("InvalidCredentials", {}) {
  readonly code = "invalid_credentials"
  override get message() {
    return "the email or password is wrong, or the account is locked for a while after repeated failures"
  }
}

/** Too many sign-in attempts for this account or from this address; `retryAfter` in seconds. */
export class SignInThrottled extends Schema.TaggedError<SignInThrottled>()("SignInThrottled", {
  retryAfter: Schema.Number
}) {
  readonly code = "too_many_sign_ins"
  override get message() {
    return `too many sign-in attempts; retry in ${this.retryAfter} s`
  }
}

/** The password is right but the user belongs to no organization (or not to the one asked for). */
export class NoMembership extends Schema.TaggedError<NoMembership>()("NoMembership", {}) {
  readonly code = "no_membership"
  override get message() {
    return "this account is not a member of the organization (or of any)"
  }
}

/** A session (or token family) that was signed out, revoked or whose member was removed. */
export class SessionRevoked extends Schema.TaggedError<SessionRevoked>()("SessionRevoked", {}) {
  readonly code = "session_revoked"
  override get message() {
    return "the session was signed out or revoked; sign in again"
  }
}

/** A session past its idle timeout or its absolute lifetime. */
export class SessionExpired extends Schema.TaggedError<SessionExpired>()("SessionExpired", {}) {
  readonly code = "session_expired"
  override get message() {
    return "the session has expired; sign in again"
  }
}

/** No session has this token (or the token is malformed). */
export class SessionUnknown extends Schema.TaggedError<SessionUnknown>()("SessionUnknown", {}) {
  readonly code = "unauthorized"
  override get message() {
    return "the session is unknown"
  }
}

/** The change would leave an organization without an admin. */
export class LastAdmin extends Schema.TaggedError<LastAdmin>()("LastAdmin", { userId: Schema.String }) {
  readonly code = "last_admin"
  override get message() {
    return "an organization must keep at least one admin: make another member admin first"
  }
}

/** A one-time link (invitation or password reset) that no one issued, or that was mistyped. */
export class LinkUnknown extends Schema.TaggedError<LinkUnknown>()("LinkUnknown", {
  kind: Schema.Literal("invitation", "password_reset")
}) {
  readonly code = "link_unknown"
  override get message() {
    return this.kind === "invitation" ? "no such invitation" : "no such password reset link"
  }
}

/** A one-time link that was already used. */
export class LinkUsed extends Schema.TaggedError<LinkUsed>()("LinkUsed", {
  kind: Schema.Literal("invitation", "password_reset")
}) {
  get code() {
    return this.kind === "invitation" ? "invitation_used" : "reset_link_used"
  }
  override get message() {
    return this.kind === "invitation" ? "the invitation was already used" : "the reset link was already used"
  }
}

/** A one-time link past its time. */
export class LinkExpired extends Schema.TaggedError<LinkExpired>()("LinkExpired", {
  kind: Schema.Literal("invitation", "password_reset")
}) {
  get code() {
    return this.kind === "invitation" ? "invitation_expired" : "reset_link_expired"
  }
  override get message() {
    return this.kind === "invitation"
      ? "the invitation has expired; ask an admin for a new one"
      : "the reset link has expired; ask an admin for a new one"
  }
}

/** A refresh token no one issued. */
export class RefreshTokenInvalid extends Schema.TaggedError<RefreshTokenInvalid>()("RefreshTokenInvalid", {}) {
  readonly code = "unauthorized"
  override get message() {
    return "the refresh token is invalid"
  }
}

/** A refresh token used a second time: its whole family was revoked, since one of the holders is not its owner. */
export class RefreshTokenReused extends Schema.TaggedError<RefreshTokenReused>()("RefreshTokenReused", {}) {
  readonly code = "refresh_token_reused"
  override get message() {
    return "the refresh token was already used; every token of its sign-in was revoked: sign in again"
  }
}
