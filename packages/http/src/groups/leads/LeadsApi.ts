import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { Grade, Lead, LeadFields, LeadId, LeadPatch, LeadStatus, Text, TextLimits } from "@leadforge/domain"
import { Schema } from "effect"
import { Authentication } from "../../contract/Security.js"
import {
  Cursor,
  DateParam,
  IfMatchHeaders,
  Limit,
  pageOf,
  QueryText,
  reportAll,
  reportAllStrict,
  VersionField
} from "../../contract/schemas.js"

const LeadPath = Schema.Struct({ id: LeadId })

export const ScoreParam = Schema.NumberFromString.pipe(
  Schema.int(),
  Schema.between(0, 100, { message: () => "must be an integer from 0 to 100" })
)

export const LeadListParams = Schema.Struct({
  status: Schema.optionalWith(Schema.Array(LeadStatus), { exact: true }),
  industry: Schema.optionalWith(Text(TextLimits.industry), { exact: true }),
  country: Schema.optionalWith(Text(TextLimits.personName), { exact: true }),
  minScore: Schema.optionalWith(ScoreParam, { exact: true }),
  maxScore: Schema.optionalWith(ScoreParam, { exact: true }),
  tag: Schema.optionalWith(Text(TextLimits.tag), { exact: true }),
  q: Schema.optionalWith(QueryText, { exact: true }),
  createdAfter: Schema.optionalWith(DateParam, { exact: true }),
  createdBefore: Schema.optionalWith(DateParam, { exact: true }),
  sort: Schema.optionalWith(Schema.Literal("score", "created"), { exact: true }),
  limit: Schema.optionalWith(Limit, { exact: true }),
  cursor: Schema.optionalWith(Cursor, { exact: true })
}).annotations(reportAll)

export const LeadPage = pageOf(Lead)

/** A partial lead; `version` is the version read, when the client does not send If-Match. */
export const LeadUpdate = Schema.extend(
  LeadPatch,
  Schema.Struct({ version: Schema.optional(VersionField) })
).annotations(reportAllStrict)

export class ScoreFactor extends Schema.Class<ScoreFactor>("ScoreFactor")({
  factor: Schema.String,
  points: Schema.Number,
  reason: Schema.String
}) {}

export class ScoreExplanation extends Schema.Class<ScoreExplanation>("ScoreExplanation")({
  score: Schema.Int,
  grade: Grade,
  factors: Schema.Array(ScoreFactor),
  modelVersion: Schema.String
}) {}

export class Rescored extends Schema.Class<Rescored>("Rescored")({ lead: Lead, score: ScoreExplanation }) {}

export class MergeDecision extends Schema.Class<MergeDecision>("MergeDecision")({
  field: Schema.String,
  winner: Schema.Literal("target", "source", "both"),
  value: Schema.Unknown,
  reason: Schema.String
}) {}

export class MergeResult extends Schema.Class<MergeResult>("MergeResult")({
  dryRun: Schema.Boolean,
  /** The merged lead: stored when dryRun is false, a preview otherwise. */
  lead: Lead,
  decisions: Schema.Array(MergeDecision),
  movedContacts: Schema.Int,
  movedActivities: Schema.Int
}) {}

export const StatusChange = Schema.Struct({
  status: LeadStatus,
  reopen: Schema.optional(Schema.Boolean),
  version: Schema.optional(VersionField)
}).annotations(reportAllStrict)

export const MergeRequest = Schema.Struct({
  sourceId: LeadId,
  dryRun: Schema.optional(Schema.Boolean)
}).annotations(reportAllStrict)

export class LeadsApi extends HttpApiGroup.make("leads")
  .add(
    HttpApiEndpoint.post("create", "/leads")
      .setPayload(LeadFields.annotations(reportAllStrict))
      .addSuccess(Lead, { status: 201 })
      .annotate(OpenApi.Summary, "Create a lead")
  )
  .add(
    HttpApiEndpoint.get("list", "/leads")
      .setUrlParams(LeadListParams)
      .addSuccess(LeadPage)
      .annotate(OpenApi.Summary, "List leads")
      .annotate(
        OpenApi.Description,
        "Keyset pages: pass `nextCursor` back as `cursor`; pages neither skip nor repeat rows under inserts."
      )
  )
  .add(
    HttpApiEndpoint.get("get", "/leads/:id").setPath(LeadPath).addSuccess(Lead).annotate(OpenApi.Summary, "Get a lead")
  )
  .add(
    HttpApiEndpoint.patch("update", "/leads/:id")
      .setPath(LeadPath)
      .setHeaders(IfMatchHeaders)
      .setPayload(LeadUpdate)
      .addSuccess(Lead)
      .annotate(OpenApi.Summary, "Update a lead")
      .annotate(OpenApi.Description, "Needs If-Match (or `version` in the body); a stale version gets 412.")
  )
  .add(
    HttpApiEndpoint.del("delete", "/leads/:id")
      .setPath(LeadPath)
      .addSuccess(HttpApiSchema.NoContent)
      .annotate(OpenApi.Summary, "Delete a lead")
  )
  .add(
    HttpApiEndpoint.post("changeStatus", "/leads/:id/status")
      .setPath(LeadPath)
      .setPayload(StatusChange)
      .addSuccess(Lead)
      .annotate(OpenApi.Summary, "Change a lead's status")
  )
  .add(
    HttpApiEndpoint.post("rescore", "/leads/:id/rescore")
      .setPath(LeadPath)
      .addSuccess(Rescored)
      .annotate(OpenApi.Summary, "Rescore a lead")
      .annotate(OpenApi.Description, "Recomputes the score and returns it with the full explanation.")
  )
  .add(
    HttpApiEndpoint.post("merge", "/leads/:id/merge")
      .setPath(LeadPath)
      .setPayload(MergeRequest)
      .addSuccess(MergeResult)
      .annotate(OpenApi.Summary, "Merge two leads")
      .annotate(OpenApi.Description, "Merges sourceId into this lead; dryRun returns the plan and writes nothing.")
  )
  .middleware(Authentication)
  .prefix("/api/v1")
  .annotate(OpenApi.Description, "Companies being qualified: create, filter, score, change status and merge.") {}
