import * as SqlClient from "@effect/sql/SqlClient"
import * as SqlSchema from "@effect/sql/SqlSchema"
import { DataSource, DataSourceId, DataSourceRepository, LeadId, OrganizationId } from "@leadforge/domain"
import { Effect, Layer, Schema } from "effect"
import { orUnavailable } from "./errors.js"
import { fromRow, json } from "./rows.js"

export const DataSourceRepositorySql = Layer.effect(
  DataSourceRepository,
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const Row = fromRow(DataSource)
    const findByIdQuery = SqlSchema.findOne({
      Request: Schema.Struct({ organizationId: OrganizationId, id: DataSourceId }),
      Result: Row,
      execute: ({ id, organizationId }) =>
        sql`SELECT * FROM data_sources WHERE organization_id = ${organizationId} AND id = ${id}`
    })
    const listQuery = SqlSchema.findAll({
      Request: Schema.Struct({ organizationId: OrganizationId, leadId: LeadId }),
      Result: Row,
      execute: ({ leadId, organizationId }) =>
        sql`SELECT * FROM data_sources WHERE organization_id = ${organizationId} AND lead_id = ${leadId}
            ORDER BY created_at DESC, id`
    })
    return DataSourceRepository.of({
      insert: Effect.fn("DataSourceRepositorySql.insert")(function* (source: DataSource) {
        const encoded = Schema.encodeSync(DataSource)(source)
        yield* sql`INSERT INTO data_sources ${sql.insert({ ...encoded, rawPayload: json(encoded.rawPayload) })}`
        return source
      }, orUnavailable),
      findById: Effect.fn("DataSourceRepositorySql.findById")(
        (organizationId: OrganizationId, id: DataSourceId) => findByIdQuery({ organizationId, id }),
        Effect.catchTag("ParseError", Effect.die),
        orUnavailable
      ),
      listByLead: Effect.fn("DataSourceRepositorySql.listByLead")(
        (organizationId: OrganizationId, leadId: LeadId) => listQuery({ organizationId, leadId }),
        Effect.catchTag("ParseError", Effect.die),
        orUnavailable
      )
    })
  })
)
