import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { ApiKeyId, AuditEntityType, AuditEvent, Role } from "@leadforge/domain"
import { Schema } from "effect"
import { Authentication } from "./Security.js"
import { DateParam, Limit, listOf, pageOf, reportAll } from "./schemas.js"

export const AuditListParams = Schema.Struct({
  entityType: Schema.optionalWith(AuditEntityType, { exact: true }),
  entityId: Schema.optionalWith(Schema.String, { exact: true }),
  from: Schema.optionalWith(DateParam, { exact: true }),
  to: Schema.optionalWith(DateParam, { exact: true }),
  limit: Schema.optionalWith(Limit, { exact: true }),
  cursor: Schema.optionalWith(Schema.String.pipe(Schema.maxLength(500)), { exact: true })
}).annotations(reportAll)

export const ChainCheck = Schema.Union(
  Schema.Struct({ valid: Schema.Literal(true), length: Schema.Int }),
  Schema.Struct({ valid: Schema.Literal(false), brokenAt: Schema.Int, reason: Schema.String })
)

export class AuditApi extends HttpApiGroup.make("audit")
  .add(
    HttpApiEndpoint.get("list", "/audit")
      .setUrlParams(AuditListParams)
      .addSuccess(pageOf(AuditEvent))
      .annotate(OpenApi.Summary, "List audit events")
      .annotate(OpenApi.Description, "By entity or time range, in keyset pages.")
  )
  .add(
    HttpApiEndpoint.get("verify", "/audit/verify")
      .addSuccess(ChainCheck)
      .annotate(OpenApi.Summary, "Verify the audit chain")
      .annotate(OpenApi.Description, "Checks the hash chain; when it is broken, says where and why.")
  )
  .middleware(Authentication)
  .prefix("/api/v1")
  .annotate(OpenApi.Description, "The tamper-evident, hash-chained record of changes.") {}

export class ApiKeyView extends Schema.Class<ApiKeyView>("ApiKeyView")({
  id: ApiKeyId,
  name: Schema.String,
  role: Role,
  prefix: Schema.String,
  createdAt: Schema.Date,
  lastUsedAt: Schema.NullOr(Schema.Date),
  revokedAt: Schema.NullOr(Schema.Date)
}) {}

/** Returned once, at creation: the only time the key itself is shown. */
export class CreatedApiKey extends Schema.Class<CreatedApiKey>("CreatedApiKey")({
  ...ApiKeyView.fields,
  key: Schema.String
}) {}

export const NewApiKey = Schema.Struct({
  name: Schema.String.pipe(Schema.trimmed(), Schema.minLength(1), Schema.maxLength(100)),
  role: Role
}).annotations(reportAll)

export class KeysApi extends HttpApiGroup.make("keys")
  .add(
    HttpApiEndpoint.post("create", "/keys")
      .setPayload(NewApiKey)
      .addSuccess(CreatedApiKey, { status: 201 })
      .annotate(OpenApi.Summary, "Create an API key")
      .annotate(OpenApi.Description, "Admin only. The response is the only time the key itself is shown.")
  )
  .add(
    HttpApiEndpoint.get("list", "/keys")
      .addSuccess(listOf(ApiKeyView))
      .annotate(OpenApi.Summary, "List API keys")
      .annotate(OpenApi.Description, "Admin only. Keys are listed by prefix, never in full.")
  )
  .add(
    HttpApiEndpoint.del("revoke", "/keys/:id")
      .setPath(Schema.Struct({ id: ApiKeyId }))
      .addSuccess(HttpApiSchema.NoContent)
      .annotate(OpenApi.Summary, "Revoke an API key")
      .annotate(OpenApi.Description, "Admin only.")
  )
  .middleware(Authentication)
  .prefix("/api/v1")
  .annotate(OpenApi.Description, "API keys of the caller's organization.") {}
