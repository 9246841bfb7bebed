import { Schema } from "effect"
import { ContactId, ConversationId, LeadId, OrganizationId } from "./ids.js"

export class ConversationMessage extends Schema.Class<ConversationMessage>("ConversationMessage")({
  direction: Schema.Literal("inbound", "outbound"),
  from: Schema.String,
  to: Schema.Array(Schema.String),
  sentAt: Schema.Date,
  body: Schema.String
}) {}

/** An email thread with a contact. */
export class Conversation extends Schema.Class<Conversation>("Conversation")({
  id: ConversationId,
  organizationId: OrganizationId,
  leadId: LeadId,
  contactId: Schema.NullOr(ContactId),
  subject: Schema.String,
  messages: Schema.Array(ConversationMessage),
  createdAt: Schema.Date,
  updatedAt: Schema.Date
}) {}
