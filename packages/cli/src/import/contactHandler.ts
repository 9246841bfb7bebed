import {
  Contact,
  type ContactFields,
  type ContactId,
  ContactImportWriter,
  ContactRepository,
  type Lead,
  leadIdentity,
  newId,
  type OrganizationId,
  planMerge,
  rescoreStored,
  Transactor,
  validateLeadContact
} from "@leadforge/domain"
import { Effect, Either } from "effect"
import { contactFields, isBlank } from "./mapping.js"
import type { Counts, ImportHandler } from "./runImport.js"
import { importedProvenance, type RowIssue, text } from "./values.js"

export interface PreparedContact {
  readonly row: number
  readonly fields: ContactFields
  readonly email: string
  readonly companyKey: string
  readonly companyField: "companyDomain" | "companyName"
  /** Contact fields the row gave a value for. */
  readonly present: ReadonlyArray<keyof Contact & string>
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null)

export const prepareContact = (
  row: number,
  record: Readonly<Record<string, unknown>>
): Either.Either<PreparedContact, ReadonlyArray<RowIssue>> => {
  const issues: Array<RowIssue> = []
  const values: Record<string, string | null> = {}
  for (const field of contactFields) {
    const parsed = text(record[field])
    if (parsed.ok) values[field] = parsed.value
    else issues.push({ row, field, code: parsed.code, message: parsed.message })
  }
  if (!values.email) {
    issues.push({
      row,
      field: "email",
      code: "missing_email",
      message: "is required: imported contacts are matched by email"
    })
  }
  const company = leadIdentity({ companyName: values.companyName ?? "", domain: values.companyDomain ?? null })
  if (company === null) {
    issues.push({
      row,
      field: "companyDomain",
      code: "required",
      message: "companyDomain or companyName is required to find the contact's lead"
    })
  }
  if (issues.length > 0 || company === null || !values.email) return Either.left(issues)
  const fields: ContactFields = {
    firstName: values.firstName ?? null,
    lastName: values.lastName ?? null,
    fullName: values.fullName ?? null,
    email: values.email,
    jobTitle: values.jobTitle ?? null,
    phone: values.phone ?? null,
    linkedinUrl: values.linkedinUrl ?? null,
    source: "import"
  }
  const present: Array<keyof Contact & string> = []
  if (!isBlank(record.firstName) || !isBlank(record.fullName)) present.push("firstName")
  if (!isBlank(record.lastName) || !isBlank(record.fullName)) present.push("lastName")
  if (!isBlank(record.jobTitle)) present.push("jobTitle", "seniority", "department")
  if (!isBlank(record.phone)) present.push("phone")
  if (!isBlank(record.linkedinUrl)) present.push("linkedinUrl")
  return Either.right({
    row,
    fields,
    email: values.email.toLowerCase(),
    companyKey: company.key,
    companyField: company.kind === "domain" ? "companyDomain" : "companyName",
    present
  })
}

const writeContactBatch = (
  organizationId: OrganizationId,
  batch: ReadonlyArray<PreparedContact>,
  options: { readonly dryRun: boolean; readonly overwrite: boolean; readonly now: Date }
) =>
  Effect.gen(function* () {
    const writer = yield* ContactImportWriter
    const contacts = yield* ContactRepository
    const counts: Counts = { inserted: 0, updated: 0, unchanged: 0 }
    const issues: Array<RowIssue> = []
    if (batch.length === 0) return { counts, issues }
    const leads = yield* writer.leadsByIdentity(organizationId, [...new Set(batch.map((p) => p.companyKey))])
    const existing = yield* writer.contactsByEmail(
      organizationId,
      batch.map((p) => p.email)
    )
    const inserts: Array<Contact> = []
    const touched = new Map<string, Lead>()
    for (const prepared of batch) {
      const lead = leads.get(prepared.companyKey)
      if (lead === undefined) {
        issues.push({
          row: prepared.row,
          field: prepared.companyField,
          code: "unknown_lead",
          message: `no lead with identity ${prepared.companyKey} in this organization; import the leads first`
        })
        continue
      }
      // the lead's domain and country, as when a contact is added by hand; a phone that does not parse rejects the row
      const { refusals, validation } = validateLeadContact(prepared.fields, lead)
      if (refusals.length > 0) {
        for (const issue of refusals) issues.push({ row: prepared.row, ...issue })
        continue
      }
      const candidate = new Contact({
        id: newId<ContactId>(),
        organizationId,
        leadId: lead.id,
        ...validation.contact,
        emailConfidence: Math.round(validation.contact.emailConfidence),
        source: "import",
        provenance: importedProvenance(prepared.present, options.now),
        createdAt: options.now,
        updatedAt: options.now,
        version: 1
      })
      const stored = existing.get(prepared.email)
      if (stored === undefined) {
        inserts.push(candidate)
        touched.set(lead.id, lead)
        counts.inserted++
        continue
      }
      let merged: Record<string, unknown>
      if (options.overwrite) {
        merged = { ...stored, provenance: { ...stored.provenance } }
        for (const field of prepared.present) {
          merged[field] = candidate[field]
          const entry = candidate.provenance[field]
          if (entry !== undefined) (merged.provenance as Record<string, unknown>)[field] = entry
        }
      } else {
        merged = planMerge(stored, candidate, {
          fields: prepared.present,
          groups: [["jobTitle", "seniority", "department"]]
        }).merged as unknown as Record<string, unknown>
      }
      merged.emailStatus = candidate.emailStatus
      merged.emailConfidence = candidate.emailConfidence
      const fields = [...prepared.present, "emailStatus", "emailConfidence"] as const
      if (fields.every((field) => same(stored[field], merged[field]))) {
        counts.unchanged++
        continue
      }
      counts.updated++
      if (!options.dryRun) {
        yield* contacts.update(
          new Contact({
            ...(merged as unknown as Contact),
            id: stored.id,
            leadId: stored.leadId,
            createdAt: stored.createdAt,
            updatedAt: options.now,
            version: stored.version + 1
          })
        )
        const owner = stored.leadId === lead.id ? lead : undefined
        if (owner !== undefined) touched.set(owner.id, owner)
      }
    }
    if (!options.dryRun) {
      if (inserts.length > 0) yield* writer.insertAll(inserts)
      // contact quality is part of the score
      for (const lead of touched.values()) yield* rescoreStored(lead)
    }
    return { counts, issues }
  }).pipe(Effect.withSpan("import.writeContactBatch", { attributes: { rows: batch.length } }))

export const contactHandler = (organizationId: OrganizationId) =>
  ({
    type: "contacts",
    required: [["email"], ["companyDomain", "companyName"]],
    prepare: (row, record) => prepareContact(row, record),
    identity: (prepared) => `email:${prepared.email}`,
    rowOf: (prepared) => prepared.row,
    write: (batch, options) =>
      Effect.flatMap(Transactor, (transactor) =>
        transactor.withTransaction(writeContactBatch(organizationId, batch, options))
      ),
    analyze: () => Effect.flatMap(ContactImportWriter, (writer) => writer.analyze)
  }) satisfies ImportHandler<PreparedContact, unknown>
