import { Schema } from "effect"
import { ActivityId, ContactId, LeadId, OrganizationId } from "./ids.js"

export const ActivityKind = Schema.Literal("email_sent", "email_replied", "meeting", "call", "note")
export type ActivityKind = typeof ActivityKind.Type

/** Something that happened with a lead; the engagement signal for scoring. */
export class Activity extends Schema.Class<Activity>("Activity")({
  id: ActivityId,
  organizationId: OrganizationId,
  leadId: LeadId,
  contactId: Schema.NullOr(ContactId),
  kind: ActivityKind,
  occurredAt: Schema.Date,
  summary: Schema.NullOr(Schema.String.pipe(Schema.maxLength(10_000))),
  createdAt: Schema.Date
}) {}
