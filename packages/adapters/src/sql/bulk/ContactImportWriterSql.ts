import * as SqlClient from "@effect/sql/SqlClient"
import { Contact, ContactImportWriter, type OrganizationId } from "@leadforge/domain"
import { Effect, Layer, Schema } from "effect"
import { orUnavailable } from "../errors.js"
import { LEAD_SELECT_LIST, type LeadRecord } from "../leadRow.js"
import { fromRow, json } from "../rows.js"
import { leadsByIdentity } from "./LeadImportWriterSql.js"

const decodeContacts = Schema.decodeUnknown(Schema.Array(fromRow(Contact)))

const columns = (contact: Contact) => {
  const encoded = Schema.encodeSync(Contact)(contact)
  return { ...encoded, provenance: json(encoded.provenance) }
}

/** The bulk reads and the one-statement insert of `leadforge import --type contacts`, on any SqlClient. */
export const make = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  const leadsByIdentityKeys = Effect.fn("ContactImportWriterSql.leadsByIdentity")(function* (
    organizationId: OrganizationId,
    identityKeys: ReadonlyArray<string>
  ) {
    if (identityKeys.length === 0) return new Map()
    const rows = yield* sql<LeadRecord>`
      SELECT ${sql.literal(LEAD_SELECT_LIST)} FROM leads WHERE organization_id = ${organizationId}
        AND identity_key IN ${sql.in(identityKeys)}`.withoutTransform
    return leadsByIdentity(rows)
  }, orUnavailable)

  const contactsByEmail = Effect.fn("ContactImportWriterSql.contactsByEmail")(function* (
    organizationId: OrganizationId,
    emails: ReadonlyArray<string>
  ) {
    if (emails.length === 0) return new Map()
    const rows = yield* sql`
      SELECT * FROM contacts WHERE organization_id = ${organizationId} AND lower(email) IN ${sql.in(emails)}`
    const contacts = yield* Effect.orDie(decodeContacts(rows))
    return new Map(contacts.map((contact) => [String(contact.email).toLowerCase(), contact] as const))
  }, orUnavailable)

  const insertAll = Effect.fn("ContactImportWriterSql.insertAll")(function* (contacts: ReadonlyArray<Contact>) {
    if (contacts.length > 0) yield* sql`INSERT INTO contacts ${sql.insert(contacts.map(columns))}`
  }, orUnavailable)

  // the lookup is by an expression (lower(email)), whose statistics only a whole-table ANALYZE gathers
  const analyze = sql`ANALYZE contacts`.pipe(
    Effect.asVoid,
    orUnavailable,
    Effect.withSpan("ContactImportWriterSql.analyze")
  )

  return ContactImportWriter.of({ leadsByIdentity: leadsByIdentityKeys, contactsByEmail, insertAll, analyze })
})

export const ContactImportWriterSql = Layer.effect(ContactImportWriter, make)
