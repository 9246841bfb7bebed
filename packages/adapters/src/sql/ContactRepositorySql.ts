import * as SqlClient from "@effect/sql/SqlClient"
import * as SqlSchema from "@effect/sql/SqlSchema"
import {
  Contact,
  ContactId,
  ContactNotFound,
  ContactRepository,
  DuplicateContact,
  LeadId,
  OrganizationId,
  VersionConflict
} from "@leadforge/domain"
import { Effect, Layer, Option, Schema } from "effect"
import { orUnavailable } from "./errors.js"
import { fromRow, json } from "./rows.js"

const ContactRow = fromRow(Contact)

export const make = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  const columns = (contact: Contact) => {
    const encoded = Schema.encodeSync(Contact)(contact)
    return { ...encoded, provenance: json(encoded.provenance) }
  }

  const conflicting = (contact: Contact) =>
    contact.email === null
      ? Effect.succeed(Option.none<DuplicateContact>())
      : sql<{ readonly id: ContactId }>`
          SELECT id FROM contacts
          WHERE organization_id = ${contact.organizationId} AND id <> ${contact.id}
            AND lower(email) = lower(${contact.email}) LIMIT 1`.pipe(
          Effect.map((rows) =>
            rows[0] === undefined
              ? Option.none()
              : Option.some(new DuplicateContact({ existingContactId: rows[0].id, email: contact.email ?? "" }))
          )
        )

  const insert = Effect.fn("ContactRepositorySql.insert")(function* (contact: Contact) {
    const inserted = yield* sql`
      INSERT INTO contacts ${sql.insert(columns(contact))} ON CONFLICT DO NOTHING RETURNING id`
    if (inserted.length === 1) return contact
    const duplicate = yield* conflicting(contact)
    if (Option.isSome(duplicate)) return yield* duplicate.value
    return yield* new DuplicateContact({ existingContactId: contact.id, email: contact.email ?? "" })
  }, orUnavailable)

  const update = Effect.fn("ContactRepositorySql.update")(function* (contact: Contact) {
    const duplicate = yield* conflicting(contact)
    if (Option.isSome(duplicate)) return yield* duplicate.value
    const { id: _id, organizationId: _org, createdAt: _created, ...changes } = columns(contact)
    const updated = yield* sql`
      UPDATE contacts SET ${sql.update(changes)}
      WHERE organization_id = ${contact.organizationId} AND id = ${contact.id} AND version = ${contact.version - 1}
      RETURNING id`
    if (updated.length === 1) return contact
    const current = yield* sql<{ readonly version: number }>`
      SELECT version FROM contacts WHERE organization_id = ${contact.organizationId} AND id = ${contact.id}`
    if (current[0] === undefined) return yield* new ContactNotFound({ contactId: contact.id })
    return yield* new VersionConflict({
      entity: "contact",
      id: contact.id,
      expectedVersion: contact.version - 1,
      actualVersion: current[0].version
    })
  }, orUnavailable)

  const findByIdQuery = SqlSchema.findOne({
    Request: Schema.Struct({ organizationId: OrganizationId, id: ContactId }),
    Result: ContactRow,
    execute: ({ id, organizationId }) =>
      sql`SELECT * FROM contacts WHERE organization_id = ${organizationId} AND id = ${id}`
  })

  const findByEmailQuery = SqlSchema.findOne({
    Request: Schema.Struct({ organizationId: OrganizationId, email: Schema.String }),
    Result: ContactRow,
    execute: ({ email, organizationId }) =>
      sql`SELECT * FROM contacts WHERE organization_id = ${organizationId} AND lower(email) = lower(${email})`
  })

  const listByLeadQuery = SqlSchema.findAll({
    Request: Schema.Struct({ organizationId: OrganizationId, leadId: LeadId }),
    Result: ContactRow,
    execute: ({ leadId, organizationId }) =>
      sql`SELECT * FROM contacts WHERE organization_id = ${organizationId} AND lead_id = ${leadId}
          ORDER BY created_at, id`
  })

  const findById = Effect.fn("ContactRepositorySql.findById")(
    (organizationId: OrganizationId, id: ContactId) => findByIdQuery({ organizationId, id }),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )
  const findByEmail = Effect.fn("ContactRepositorySql.findByEmail")(
    (organizationId: OrganizationId, email: string) => findByEmailQuery({ organizationId, email }),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )
  const listByLead = Effect.fn("ContactRepositorySql.listByLead")(
    (organizationId: OrganizationId, leadId: LeadId) => listByLeadQuery({ organizationId, leadId }),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  const remove = Effect.fn("ContactRepositorySql.delete")(function* (organizationId: OrganizationId, id: ContactId) {
    const rows = yield* sql`DELETE FROM contacts WHERE organization_id = ${organizationId} AND id = ${id} RETURNING id`
    if (rows.length === 0) return yield* new ContactNotFound({ contactId: id })
  }, orUnavailable)

  const reassignLead = Effect.fn("ContactRepositorySql.reassignLead")(function* (
    organizationId: OrganizationId,
    from: LeadId,
    to: LeadId
  ) {
    const rows = yield* sql`
      UPDATE contacts SET lead_id = ${to}, version = version + 1
      WHERE organization_id = ${organizationId} AND lead_id = ${from} RETURNING id`
    return rows.length
  }, orUnavailable)

  return ContactRepository.of({ insert, update, findById, findByEmail, listByLead, delete: remove, reassignLead })
})

export const ContactRepositorySql = Layer.effect(ContactRepository, make)
