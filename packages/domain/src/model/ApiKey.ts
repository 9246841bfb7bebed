import { Schema } from "effect"
import { ApiKeyId, OrganizationId } from "./ids.js"
import { Role } from "./Role.js"

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
