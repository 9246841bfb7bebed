import { Schema } from "effect"
import { UserId } from "./ids.js"

/** An email address as people type it: trimmed, one `@`, a dotted domain; compared case-insensitively. */
export const EmailAddress = Schema.Trim.pipe(
  Schema.maxLength(254, { message: () => "must be at most 254 characters" }),
  Schema.pattern(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, { message: () => "must be an email address such as ada@example.com" }),
  Schema.annotations({ identifier: "EmailAddress" })
)

/** A display name: 1–200 characters after trimming. */
export const DisplayName = Schema.Trim.pipe(
  Schema.minLength(1, { message: () => "must not be empty" }),
  Schema.maxLength(200, { message: () => "must be at most 200 characters" }),
  Schema.annotations({ identifier: "DisplayName" })
)

/**
 * A person who signs in. The email is unique across the installation, compared case-insensitively; the role lives
 * on each Membership. `passwordHash` is a PHC string that names its algorithm and parameters (null until an
 * invitation is accepted); `failedSignIns` and `lockedUntil` carry the temporary lock after repeated failures.
 */
export class User extends Schema.Class<User>("User")({
  id: UserId,
  email: Schema.String,
  name: Schema.String,
  passwordHash: Schema.NullOr(Schema.String),
  failedSignIns: Schema.Int.pipe(Schema.nonNegative()),
  lockedUntil: Schema.NullOr(Schema.Date),
  createdAt: Schema.Date,
  updatedAt: Schema.Date
}) {
  /** Whether the temporary lock holds at `now`. */
  isLockedAt(now: Date): boolean {
    return this.lockedUntil !== null && this.lockedUntil.getTime() > now.getTime()
  }
}

/** The form emails are compared in. */
export const emailKey = (email: string): string => email.trim().toLowerCase()
