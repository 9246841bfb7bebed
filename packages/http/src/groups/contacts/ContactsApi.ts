import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { Contact, ContactFields, ContactId, EmailStatus, LeadId, Text, TextLimits } from "@leadforge/domain"
import { Schema } from "effect"
import { FieldError } from "../../contract/Problems.js"
import { Authentication } from "../../contract/Security.js"
import { IfMatchHeaders, listOf, reportAllStrict, VersionField } from "../../contract/schemas.js"

const LeadPath = Schema.Struct({ leadId: LeadId })
const ContactPath = Schema.Struct({ leadId: LeadId, contactId: ContactId })

export const ContactUpdate = Schema.Struct({
  ...ContactFields.fields,
  version: Schema.optional(VersionField)
}).annotations(reportAllStrict)

export const ValidateContactsRequest = Schema.Struct({
  contacts: Schema.Array(ContactFields).pipe(Schema.minItems(1), Schema.maxItems(1000)),
  /** Checked against each email's domain, as when the contact is added to a lead with this domain. */
  companyDomain: Schema.optional(Schema.NullOr(Text(TextLimits.domain))),
  defaultCountry: Schema.optional(Text(TextLimits.personName))
}).annotations(reportAllStrict)

export class NormalizedContact extends Schema.Class<NormalizedContact>("NormalizedContact")({
  firstName: Schema.NullOr(Schema.String),
  lastName: Schema.NullOr(Schema.String),
  email: Schema.NullOr(Schema.String),
  emailStatus: EmailStatus,
  emailConfidence: Schema.Number,
  jobTitle: Schema.NullOr(Schema.String),
  seniority: Schema.String,
  department: Schema.String,
  phone: Schema.NullOr(Schema.String),
  linkedinUrl: Schema.NullOr(Schema.String)
}) {}

export class ContactValidationResult extends Schema.Class<ContactValidationResult>("ContactValidationResult")({
  index: Schema.Int,
  status: Schema.Literal("valid", "risky", "invalid"),
  confidence: Schema.Number,
  contact: NormalizedContact,
  issues: Schema.Array(FieldError)
}) {}

export class ContactsApi extends HttpApiGroup.make("contacts")
  .add(
    HttpApiEndpoint.post("create", "/leads/:leadId/contacts")
      .setPath(LeadPath)
      .setPayload(ContactFields.annotations(reportAllStrict))
      .addSuccess(Contact, { status: 201 })
      .annotate(OpenApi.Summary, "Add a contact to a lead")
  )
  .add(
    HttpApiEndpoint.get("list", "/leads/:leadId/contacts")
      .setPath(LeadPath)
      .addSuccess(listOf(Contact))
      .annotate(OpenApi.Summary, "List a lead's contacts")
  )
  .add(
    HttpApiEndpoint.get("get", "/leads/:leadId/contacts/:contactId")
      .setPath(ContactPath)
      .addSuccess(Contact)
      .annotate(OpenApi.Summary, "Get a contact")
  )
  .add(
    HttpApiEndpoint.patch("update", "/leads/:leadId/contacts/:contactId")
      .setPath(ContactPath)
      .setHeaders(IfMatchHeaders)
      .setPayload(ContactUpdate)
      .addSuccess(Contact)
      .annotate(OpenApi.Summary, "Update a contact")
      .annotate(OpenApi.Description, "If-Match (or `version` in the body) is optional; a stale version gets 412.")
  )
  .add(
    HttpApiEndpoint.del("delete", "/leads/:leadId/contacts/:contactId")
      .setPath(ContactPath)
      .addSuccess(HttpApiSchema.NoContent)
      .annotate(OpenApi.Summary, "Delete a contact")
  )
  .add(
    HttpApiEndpoint.post("validate", "/contacts/validate")
      .setPayload(ValidateContactsRequest)
      .addSuccess(listOf(ContactValidationResult))
      .annotate(OpenApi.Summary, "Validate contacts")
      .annotate(OpenApi.Description, "Validates and normalizes a batch of contacts without storing them.")
  )
  .middleware(Authentication)
  .prefix("/api/v1")
  .annotate(OpenApi.Description, "People at a lead's company, and validation of contact details.") {}
