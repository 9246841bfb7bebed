import * as SqlClient from "@effect/sql/SqlClient"
import * as SqlSchema from "@effect/sql/SqlSchema"
import {
  Contact,
  contactExportFields,
  contactExportRecord,
  type ExportFilter,
  ExportReader,
  Lead,
  LeadStatus,
  leadExportFields,
  leadExportRecord,
  OrganizationId
} from "@leadforge/domain"
import { Chunk, Effect, Layer, Option, Schema, String as Str, Stream } from "effect"
import { orUnavailable } from "./errors.js"
import { fromRow } from "./rows.js"

/** Rows per page: each page is written out before the next is read. */
const PAGE = 1000
const FIRST_ID = "00000000-0000-0000-0000-000000000000"

/**
 * A page reads the columns the records are made of and no more (not provenance, nor the generated tsvector, which
 * together are most of a stored row); a contact's company columns come from its lead.
 */
const LEAD_SELECT = leadExportFields.map((field) => `l.${Str.camelToSnake(field)}`).join(", ")
const CONTACT_SELECT = [
  ...contactExportFields.map((field) => `c.${Str.camelToSnake(field)}`),
  "l.domain AS company_domain",
  "l.company_name AS company_name"
].join(", ")

const LeadExportRow = fromRow(Schema.Struct(Lead.fields).pick(...leadExportFields))
const ContactExportRow = fromRow(
  Schema.Struct({
    ...Schema.Struct(Contact.fields).pick(...contactExportFields).fields,
    companyDomain: Lead.fields.domain,
    companyName: Lead.fields.companyName
  })
)

const PageRequest = Schema.Struct({
  organizationId: OrganizationId,
  after: Schema.String,
  status: Schema.optional(LeadStatus),
  industry: Schema.optional(Schema.String),
  country: Schema.optional(Schema.String),
  minScore: Schema.optional(Schema.Number)
})

export const make = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  const where = (request: typeof PageRequest.Encoded) => {
    const parts = [sql`l.organization_id = ${request.organizationId}`]
    if (request.status !== undefined) parts.push(sql`l.status = ${request.status}`)
    if (request.industry !== undefined) parts.push(sql`l.industry = ${request.industry}`)
    if (request.country !== undefined) parts.push(sql`l.country = ${request.country}`)
    if (request.minScore !== undefined) parts.push(sql`l.lead_score >= ${request.minScore}`)
    return sql.and(parts)
  }

  const leadPageQuery = SqlSchema.findAll({
    Request: PageRequest,
    Result: LeadExportRow,
    execute: (request) =>
      sql`SELECT ${sql.literal(LEAD_SELECT)} FROM leads l
          WHERE ${where(request)} AND l.id > ${request.after} ORDER BY l.id LIMIT ${PAGE}`
  })

  const contactPageQuery = SqlSchema.findAll({
    Request: PageRequest,
    Result: ContactExportRow,
    execute: (request) =>
      sql`SELECT ${sql.literal(CONTACT_SELECT)}
          FROM contacts c JOIN leads l ON l.id = c.lead_id AND l.organization_id = c.organization_id
          WHERE ${where(request)} AND c.id > ${request.after} ORDER BY c.id LIMIT ${PAGE}`
  })

  const leadPage = Effect.fn("ExportReaderSql.leadPage")(
    (organizationId: OrganizationId, filter: ExportFilter, after: string) =>
      leadPageQuery({ ...filter, organizationId, after }),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )
  const contactPage = Effect.fn("ExportReaderSql.contactPage")(
    (organizationId: OrganizationId, filter: ExportFilter, after: string) =>
      contactPageQuery({ ...filter, organizationId, after }),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  /** Keyset pages by id: one page in memory at a time, the last id of a full page starting the next. */
  const paged = <Row extends { readonly id: string }, E, A>(
    page: (after: string) => Effect.Effect<ReadonlyArray<Row>, E>,
    toRecord: (row: Row) => A
  ): Stream.Stream<A, E> =>
    Stream.paginateChunkEffect(FIRST_ID, (after) =>
      Effect.map(page(after), (rows) => {
        const last = rows[rows.length - 1]
        return [
          Chunk.fromIterable(rows.map(toRecord)),
          rows.length < PAGE || last === undefined ? Option.none<string>() : Option.some(last.id)
        ] as const
      })
    )

  return ExportReader.of({
    leads: (organizationId, filter) =>
      paged((after) => leadPage(organizationId, filter, after), leadExportRecord).pipe(
        Stream.withSpan("ExportReaderSql.leads")
      ),
    contacts: (organizationId, filter) =>
      paged(
        (after) => contactPage(organizationId, filter, after),
        (row) => contactExportRecord(row, { domain: row.companyDomain, companyName: row.companyName })
      ).pipe(Stream.withSpan("ExportReaderSql.contacts"))
  })
})

export const ExportReaderSql = Layer.effect(ExportReader, make)
