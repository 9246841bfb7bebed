import { Schema } from "effect"
import { ApiKeyId, OrganizationId, UserId } from "./ids.js"

export class Organization extends Schema.Class<Organization>("Organization")({
  id: OrganizationId,
  name: Schema.NonEmptyTrimmedString.pipe(Schema.maxLength(200)),
  createdAt: Schema.Date
}) {}

export const Role = Schema.Literal("admin", "member", "viewer")
export type Role = typeof Role.Type

export class User extends Schema.Class<User>("User")({
  id: UserId,
  organizationId: OrganizationId,
  email: Schema.String,
  name: Schema.String,
  role: Role,
  createdAt: Schema.Date
}) {}

/** An API key as stored: only its SHA-256 hash, never the key. */
export class ApiKey extends Schema.Class<ApiKey>("ApiKey")({
  id: ApiKeyId,
  organizationId: OrganizationId,
  name: Schema.String,
  role: Role,
  /** The first characters of the key, shown in listings so a user can tell keys apart. */
  prefix: Schema.String,
  hash: Schema.String.pipe(Schema.pattern(/^[0-9a-f]{64}$/)),
  createdAt: Schema.Date,
  lastUsedAt: Schema.NullOr(Schema.Date),
  revokedAt: Schema.NullOr(Schema.Date)
}) {}
