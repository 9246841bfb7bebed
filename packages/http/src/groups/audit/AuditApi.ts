import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { AuditCheckpoint, AuditEntityType, AuditEvent, Text, TextLimits } from "@leadforge/domain"
import { Schema } from "effect"
import { Authentication } from "../../contract/Security.js"
import { Cursor, DateParam, Limit, pageOf, reportAll } from "../../contract/schemas.js"

export const AuditListParams = Schema.Struct({
  entityType: Schema.optionalWith(AuditEntityType, { exact: true }),
  entityId: Schema.optionalWith(Text(TextLimits.id), { exact: true }),
  from: Schema.optionalWith(DateParam, { exact: true }),
  to: Schema.optionalWith(DateParam, { exact: true }),
  limit: Schema.optionalWith(Limit, { exact: true }),
  cursor: Schema.optionalWith(Cursor, { exact: true })
}).annotations(reportAll)

const CHECKPOINT_NOT_CONFIGURED = "audit_checkpoint_not_configured"

export const ChainCheck = Schema.Union(
  Schema.Struct({
    valid: Schema.Literal(true),
    length: Schema.Int,
    checkpointSequence: Schema.optionalWith(Schema.Int, { exact: true }).annotations({
      description: "The sequence of the checkpoint the chain was held to, when one was given."
    })
  }),
  Schema.Struct({
    valid: Schema.Literal(false),
    kind: Schema.Literal("link", "truncated", "rewritten").annotations({
      description:
        "link: an event does not verify; truncated: events the checkpoint vouches for are missing; rewritten: the chain verifies but is not the one the checkpoint vouches for."
    }),
    sequence: Schema.Int.annotations({ description: "The sequence of the event where the chain breaks." }),
    eventId: Schema.NullOr(Schema.String).annotations({ description: "That event's id; null when it is missing." }),
    brokenAt: Schema.Int.annotations({ description: "That event's 0-based position in the chain as stored." }),
    reason: Schema.String
  })
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
  .add(
    HttpApiEndpoint.post("verifyCheckpoint", "/audit/verify")
      .setPayload(AuditCheckpoint)
      .addSuccess(ChainCheck)
      .annotate(OpenApi.Summary, "Verify the audit chain against a checkpoint")
      .annotate(
        OpenApi.Description,
        "Checks the hash chain and holds it to a checkpoint from GET /audit/checkpoint: events deleted from the end " +
          "(truncated) or a chain rewritten before the checkpoint (rewritten) are reported by sequence and event id. " +
          "A checkpoint whose signature does not match, or of another organization, is 422 invalid_audit_checkpoint; " +
          `without a checkpoint key on the server, 503 ${CHECKPOINT_NOT_CONFIGURED}.`
      )
  )
  .add(
    HttpApiEndpoint.get("checkpoint", "/audit/checkpoint")
      .addSuccess(AuditCheckpoint)
      .annotate(OpenApi.Summary, "Sign the head of the audit chain")
      .annotate(
        OpenApi.Description,
        "Returns the organization's head (sequence, event id, hash) signed with the server's checkpoint key " +
          "(HMAC-SHA-256). Keep it outside the database; POST it to /audit/verify later to detect truncation or " +
          "rewriting. The chain is verified first: a broken chain is 409 audit_chain_broken. Without " +
          `AUDIT_CHECKPOINT_KEY on the server, 503 ${CHECKPOINT_NOT_CONFIGURED}.`
      )
  )
  .middleware(Authentication)
  .prefix("/api/v1")
  .annotate(OpenApi.Description, "The tamper-evident, hash-chained record of changes.") {}
