import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Activity, ActivityKind, ContactId, DateTime, LeadId, Text, TextLimits } from "@leadforge/domain"
import { Schema } from "effect"
import { Authentication } from "../../contract/Security.js"
import { listOf, reportAllStrict } from "../../contract/schemas.js"

const LeadPath = Schema.Struct({ leadId: LeadId })

export const ActivityInput = Schema.Struct({
  kind: ActivityKind,
  occurredAt: DateTime,
  summary: Schema.optional(Schema.NullOr(Text(TextLimits.notes))),
  contactId: Schema.optional(Schema.NullOr(ContactId))
}).annotations(reportAllStrict)

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
