import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { ApiKeyId, Role, SafeText } from "@leadforge/domain"
import { Schema } from "effect"
import { Authentication } from "../../contract/Security.js"
import { listOf, reportAllStrict } from "../../contract/schemas.js"

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
  name: SafeText.pipe(Schema.trimmed(), Schema.minLength(1), Schema.maxLength(100)),
  role: Role
}).annotations(reportAllStrict)

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
