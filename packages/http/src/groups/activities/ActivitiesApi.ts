import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Activity, ActivityKind, ContactId, LeadId } from "@leadforge/domain"
import { Schema } from "effect"
import { Authentication } from "../../contract/Security.js"
import { listOf, reportAll } from "../../contract/schemas.js"

const LeadPath = Schema.Struct({ leadId: LeadId })

export const ActivityInput = Schema.Struct({
  kind: ActivityKind,
  occurredAt: Schema.Date,
  summary: Schema.optional(Schema.NullOr(Schema.String.pipe(Schema.maxLength(10_000)))),
  contactId: Schema.optional(Schema.NullOr(ContactId))
}).annotations(reportAll)

export class ActivitiesApi extends HttpApiGroup.make("activities")
  .add(
    HttpApiEndpoint.post("create", "/leads/:leadId/activities")
      .setPath(LeadPath)
      .setPayload(ActivityInput)
      .addSuccess(Activity, { status: 201 })
      .annotate(OpenApi.Summary, "Record an activity")
  )
  .add(
    HttpApiEndpoint.get("list", "/leads/:leadId/activities")
      .setPath(LeadPath)
      .addSuccess(listOf(Activity))
      .annotate(OpenApi.Summary, "List a lead's activities")
  )
  .middleware(Authentication)
  .prefix("/api/v1")
  .annotate(
    OpenApi.Description,
    "What happened with a lead (emails, meetings, calls, notes): the engagement signal for scoring."
  ) {}
