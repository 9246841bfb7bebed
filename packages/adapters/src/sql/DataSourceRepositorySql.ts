import * as SqlClient from "@effect/sql/SqlClient"
import * as SqlSchema from "@effect/sql/SqlSchema"
import { DataSource, DataSourceId, DataSourceRepository, LeadId, OrganizationId } from "@leadforge/domain"
import { Effect, Layer, Schema } from "effect"
import { orUnavailable } from "./errors.js"
import { fromRow, json } from "./rows.js"

const DataSourceRow = fromRow(DataSource)

export const make = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  const insertQuery = SqlSchema.void({
    Request: DataSource,
    execute: (row) => sql`INSERT INTO data_sources ${sql.insert({ ...row, rawPayload: json(row.rawPayload) })}`
  })

  const updateQuery = SqlSchema.void({
    Request: DataSource,
    execute: (row) =>
      sql`UPDATE data_sources SET raw_payload = ${json(row.rawPayload)}, confidence = ${row.confidence},
            fetched_at = ${row.fetchedAt}, url = ${row.url}
          WHERE organization_id = ${row.organizationId} AND id = ${row.id}`
  })

  const findByIdQuery = SqlSchema.findOne({
    Request: Schema.Struct({ organizationId: OrganizationId, id: DataSourceId }),
    Result: DataSourceRow,
    execute: ({ id, organizationId }) =>
      sql`SELECT * FROM data_sources WHERE organization_id = ${organizationId} AND id = ${id}`
  })

  const listByLeadQuery = SqlSchema.findAll({
    Request: Schema.Struct({ organizationId: OrganizationId, leadId: LeadId }),
    Result: DataSourceRow,
    execute: ({ leadId, organizationId }) =>
      sql`SELECT * FROM data_sources WHERE organization_id = ${organizationId} AND lead_id = ${leadId}
          ORDER BY created_at DESC, id`
  })

  const insert = Effect.fn("DataSourceRepositorySql.insert")(
    (source: DataSource) => Effect.as(insertQuery(source), source),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  const update = Effect.fn("DataSourceRepositorySql.update")(
    (source: DataSource) => Effect.as(updateQuery(source), source),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  const findById = Effect.fn("DataSourceRepositorySql.findById")(
    (organizationId: OrganizationId, id: DataSourceId) => findByIdQuery({ organizationId, id }),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  const listByLead = Effect.fn("DataSourceRepositorySql.listByLead")(
    (organizationId: OrganizationId, leadId: LeadId) => listByLeadQuery({ organizationId, leadId }),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  return DataSourceRepository.of({ insert, update, findById, listByLead })
})

export const DataSourceRepositorySql = Layer.effect(DataSourceRepository, make)
