import * as SqlClient from "@effect/sql/SqlClient"
import * as SqlSchema from "@effect/sql/SqlSchema"
import type * as Statement from "@effect/sql/Statement"
import {
  Contact,
  ContactId,
  ContactNotFound,
  type ContactQuery,
  ContactRepository,
  DuplicateContact,
  LeadId,
  OrganizationId,
  searchWords,
  VersionConflict
} from "@leadforge/domain"
import { Effect, Layer, Option, Schema } from "effect"
import { orUnavailable } from "./errors.js"
import { CursorId, CursorTimestamp, clampLimit, decodeCursor, fromRow, json, keysetPage } from "./rows.js"

const ContactRow = fromRow(Contact)
const CreatedCursor = Schema.Struct({ c: CursorTimestamp, id: CursorId })

/** The Contact's columns (not the search vector, which only the search reads). */
const CONTACT_COLUMNS = [
  "id",
  "organization_id",
  "lead_id",
  "first_name",
  "last_name",
  "email",
  "email_status",
  "email_confidence",
  "job_title",
  "seniority",
  "department",
  "phone",
  "linkedin_url",
  "source",
  "provenance",
  "created_at",
  "updated_at",
  "version"
]

/** `word:* & word:*` from the domain's search words (letters and digits only, so nothing needs escaping). */
const prefixQuery = (words: ReadonlyArray<string>, joiner: " & " | " | ") => words.map((w) => `${w}:*`).join(joiner)

export const make = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const columnList = (alias?: string) =>
    sql.literal(CONTACT_COLUMNS.map((column) => (alias === undefined ? column : `${alias}.${column}`)).join(", "))

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
      sql`SELECT ${columnList()} FROM contacts WHERE organization_id = ${organizationId} AND id = ${id}`
  })

  const findByEmailQuery = SqlSchema.findOne({
    Request: Schema.Struct({ organizationId: OrganizationId, email: Schema.String }),
    Result: ContactRow,
    execute: ({ email, organizationId }) =>
      sql`SELECT ${columnList()} FROM contacts WHERE organization_id = ${organizationId} AND lower(email) = lower(${email})`
  })

  const listByLeadQuery = SqlSchema.findAll({
    Request: Schema.Struct({ organizationId: OrganizationId, leadId: LeadId }),
    Result: ContactRow,
    execute: ({ leadId, organizationId }) =>
      sql`SELECT ${columnList()} FROM contacts WHERE organization_id = ${organizationId} AND lead_id = ${leadId}
          ORDER BY created_at, id`
  })

  const list = Effect.fn("ContactRepositorySql.list")(function* (organizationId: OrganizationId, query: ContactQuery) {
    const limit = clampLimit(query.limit)
    const filters: Array<Statement.Fragment> = [sql`organization_id = ${organizationId}`]
    if (query.emailStatus !== undefined) filters.push(sql`email_status = ${query.emailStatus}`)
    if (query.seniority !== undefined) filters.push(sql`seniority = ${query.seniority}`)
    if (query.department !== undefined) filters.push(sql`department = ${query.department}`)
    if (query.leadId !== undefined) filters.push(sql`lead_id = ${query.leadId}`)
    if (query.source !== undefined) filters.push(sql`source = ${query.source}`)
    const after = yield* decodeCursor(CreatedCursor, query.cursor)
    if (after !== undefined) {
      filters.push(sql`(created_at < ${after.c} OR (created_at = ${after.c} AND id < ${after.id}))`)
    }
    const rows = yield* sql`
      SELECT ${columnList()} FROM contacts WHERE ${sql.and(filters)}
      ORDER BY created_at DESC, id DESC LIMIT ${limit + 1}`
    const page = yield* Schema.decodeUnknown(Schema.Array(ContactRow))(rows).pipe(Effect.orDie)
    return keysetPage(page, limit, (last) => ({ c: last.createdAt.toISOString(), id: last.id }))
  }, orUnavailable)

  /**
   * Every word must match (as a prefix) somewhere in the contact's vector or the lead's (company name, domain);
   * the GIN indexes of both find the candidates that match any word, the concatenated vector keeps those matching
   * all. Ranked by ts_rank with the lead's words at the lowest weight.
   */
  const search = Effect.fn("ContactRepositorySql.search")(function* (
    organizationId: OrganizationId,
    query: string,
    options: { readonly limit: number }
  ) {
    const words = searchWords(query)
    if (words.length === 0) return []
    const all = prefixQuery(words, " & ")
    const any = prefixQuery(words, " | ")
    const rows = yield* sql<Record<string, unknown> & { readonly score: number }>`
      SELECT ${columnList("c")},
        ts_rank(c.search_tsv || setweight(l.search_tsv, 'D'), to_tsquery('simple', ${all})) AS score
      FROM contacts c JOIN leads l ON l.id = c.lead_id
      WHERE c.organization_id = ${organizationId}
        AND (c.search_tsv @@ to_tsquery('simple', ${any}) OR l.search_tsv @@ to_tsquery('simple', ${any}))
        AND (c.search_tsv || l.search_tsv) @@ to_tsquery('simple', ${all})
      ORDER BY score DESC, c.id
      LIMIT ${options.limit}`
    const contacts = yield* Schema.decodeUnknown(Schema.Array(ContactRow))(rows).pipe(Effect.orDie)
    return contacts.map((contact, i) => ({ contact, rank: i + 1, score: Number(rows[i]!.score) }))
  }, orUnavailable)

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

  return ContactRepository.of({
    insert,
    update,
    findById,
    findByEmail,
    listByLead,
    list,
    search,
    delete: remove,
    reassignLead
  })
})

export const ContactRepositorySql = Layer.effect(ContactRepository, make)
