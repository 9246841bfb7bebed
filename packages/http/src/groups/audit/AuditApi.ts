import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { AuditEntityType, AuditEvent } from "@leadforge/domain"
import { Schema } from "effect"
import { Authentication } from "../../contract/Security.js"
import { DateParam, Limit, pageOf, reportAll } from "../../contract/schemas.js"

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
