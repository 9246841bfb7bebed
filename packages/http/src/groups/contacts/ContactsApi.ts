import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import {
  Activity,
  Contact,
  ContactFields,
  ContactId,
  ContactSource,
  Conversation,
  Department,
  EmailStatus,
  Lead,
  LeadId,
  Seniority,
  Text,
  TextLimits
} from "@leadforge/domain"
import { Schema } from "effect"
import { FieldError } from "../../contract/Problems.js"
import { Authentication } from "../../contract/Security.js"
import {
  IfMatchHeaders,
  Limit,
  listOf,
  pageOf,
  reportAll,
  reportAllStrict,
  VersionField
} from "../../contract/schemas.js"

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

export const ContactListParams = Schema.Struct({
  emailStatus: Schema.optionalWith(EmailStatus, { exact: true }),
  seniority: Schema.optionalWith(Seniority, { exact: true }),
  department: Schema.optionalWith(Department, { exact: true }),
  leadId: Schema.optionalWith(LeadId, { exact: true }),
  source: Schema.optionalWith(ContactSource, { exact: true }),
  limit: Schema.optionalWith(Limit, { exact: true }),
  cursor: Schema.optionalWith(Schema.String.pipe(Schema.maxLength(500)), { exact: true })
}).annotations(reportAll)

export const ContactSearchParams = Schema.Struct({
  q: Schema.String.pipe(Schema.trimmed(), Schema.minLength(1), Schema.maxLength(200)),
  limit: Schema.optionalWith(Limit, { exact: true })
}).annotations(reportAll)

export const ContactInclude = Schema.Literal("lead", "activities", "conversations")

/** `?include=lead,activities,conversations`: what to return with the contact. */
export const ContactGetParams = Schema.Struct({
  include: Schema.optionalWith(Schema.compose(Schema.split(","), Schema.Array(ContactInclude)), { exact: true })
}).annotations(reportAll)

export class ContactHit extends Schema.Class<ContactHit>("ContactHit")({
  contact: Contact,
  /** 1 for the best match. */
  rank: Schema.Int,
  /** The store's relevance; only the order is comparable. */
  score: Schema.Number
}) {}

export class ContactDetail extends Schema.Class<ContactDetail>("ContactDetail")({
  contact: Contact,
  lead: Schema.optional(Lead),
  activities: Schema.optional(Schema.Array(Activity)),
  conversations: Schema.optional(Schema.Array(Conversation))
}) {}

const ContactIdPath = Schema.Struct({ id: ContactId })

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
    HttpApiEndpoint.get("listAll", "/contacts")
      .setUrlParams(ContactListParams)
      .addSuccess(pageOf(Contact))
      .annotate(OpenApi.Summary, "List contacts across leads")
      .annotate(
        OpenApi.Description,
        "Newest first, by keyset: pass `nextCursor` back as `cursor`. Filters: emailStatus, seniority, department, " +
          "leadId, source."
      )
  )
  .add(
    HttpApiEndpoint.get("search", "/contacts/search")
      .setUrlParams(ContactSearchParams)
      .addSuccess(listOf(ContactHit))
      .annotate(OpenApi.Summary, "Search contacts")
      .annotate(
        OpenApi.Description,
        "Full text over name, email, job title and the lead's company: every word must start a word of one of " +
          "them. Best first (a name match outranks an email, title or company match)."
      )
  )
  .add(
    HttpApiEndpoint.get("getById", "/contacts/:id")
      .setPath(ContactIdPath)
      .setUrlParams(ContactGetParams)
      .addSuccess(ContactDetail)
      .annotate(OpenApi.Summary, "Get a contact, with its lead, activities or conversations")
      .annotate(OpenApi.Description, "`include` is a comma-separated list of lead, activities, conversations.")
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
