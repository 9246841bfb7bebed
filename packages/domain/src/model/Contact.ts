import { Schema } from "effect"
import { Confidence, E164, fieldNames, Provenance, Timestamps, Version } from "./common.js"
import { ContactId, LeadId, OrganizationId } from "./ids.js"
import { Text, TextLimits } from "./text.js"

export const EmailStatus = Schema.Literal("unverified", "valid", "risky", "invalid")
export type EmailStatus = typeof EmailStatus.Type

export const Seniority = Schema.Literal(
  "owner",
  "c_level",
  "vp",
  "head",
  "director",
  "manager",
  "senior",
  "entry",
  "intern",
  "unknown"
)
export type Seniority = typeof Seniority.Type

export const Department = Schema.Literal(
  "executive",
  "engineering",
  "product",
  "design",
  "data",
  "it",
  "security",
  "sales",
  "marketing",
  "customer_success",
  "operations",
  "finance",
  "legal",
  "hr",
  "research",
  "unknown"
)
export type Department = typeof Department.Type

export const ContactSource = Schema.Literal("manual", "import", "api", "research")
export type ContactSource = typeof ContactSource.Type

/** A person at a lead's company. */
export class Contact extends Schema.Class<Contact>("Contact")({
  id: ContactId,
  organizationId: OrganizationId,
  leadId: LeadId,
  firstName: Schema.NullOr(Schema.String),
  lastName: Schema.NullOr(Schema.String),
  email: Schema.NullOr(Schema.String),
  emailStatus: EmailStatus,
  emailConfidence: Confidence,
  jobTitle: Schema.NullOr(Schema.String),
  seniority: Seniority,
  department: Department,
  phone: Schema.NullOr(E164),
  linkedinUrl: Schema.NullOr(Schema.String),
  source: ContactSource,
  provenance: Provenance,
  ...Timestamps,
  version: Version
}) {
  get fullName(): string {
    return [this.firstName, this.lastName].filter((part) => part !== null && part !== "").join(" ")
  }
}

/** What a user, an import or a research task may submit for a contact: storable text of bounded length. */
export const ContactFields = Schema.Struct({
  firstName: Schema.optional(Schema.NullOr(Text(TextLimits.personName))),
  lastName: Schema.optional(Schema.NullOr(Text(TextLimits.personName))),
  fullName: Schema.optional(Schema.NullOr(Text(TextLimits.name))),
  email: Schema.optional(Schema.NullOr(Text(TextLimits.email))),
  jobTitle: Schema.optional(Schema.NullOr(Text(TextLimits.jobTitle))),
  phone: Schema.optional(Schema.NullOr(Text(TextLimits.phone))),
  linkedinUrl: Schema.optional(Schema.NullOr(Text(TextLimits.url))),
  source: Schema.optional(ContactSource)
})
export type ContactFields = typeof ContactFields.Type

/** The names of ContactFields, in order. */
export const contactFieldNames = fieldNames(ContactFields.fields)

/** A contact's own values as validation makes them from ContactFields: every Contact field but its bookkeeping. */
export const contactValueFields = fieldNames(
  Schema.Struct(Contact.fields).omit(
    "id",
    "organizationId",
    "leadId",
    "source",
    "provenance",
    "createdAt",
    "updatedAt",
    "version"
  ).fields
)
