import * as SqlClient from "@effect/sql/SqlClient"
import * as SqlSchema from "@effect/sql/SqlSchema"
import { Activity, ActivityRepository, LeadId, OrganizationId } from "@leadforge/domain"
import { Effect, Layer, Schema } from "effect"
import { orUnavailable } from "./errors.js"
import { fromRow } from "./rows.js"

const ActivityRow = fromRow(Activity)

export const make = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  const insertQuery = SqlSchema.void({
    Request: Activity,
    execute: (row) => sql`INSERT INTO activities ${sql.insert(row)}`
  })

  const listByLeadQuery = SqlSchema.findAll({
    Request: Schema.Struct({ organizationId: OrganizationId, leadId: LeadId }),
    Result: ActivityRow,
    execute: ({ leadId, organizationId }) =>
      sql`SELECT * FROM activities WHERE organization_id = ${organizationId} AND lead_id = ${leadId}
          ORDER BY occurred_at DESC, id`
  })

  const insert = Effect.fn("ActivityRepositorySql.insert")(
    (activity: Activity) => Effect.as(insertQuery(activity), activity),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  const listByLead = Effect.fn("ActivityRepositorySql.listByLead")(
    (organizationId: OrganizationId, leadId: LeadId) => listByLeadQuery({ organizationId, leadId }),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  const countQuery = SqlSchema.single({
    Request: OrganizationId,
    Result: Schema.Struct({ n: Schema.Number }),
    execute: (organizationId) =>
      sql`SELECT count(*)::int AS n FROM activities WHERE organization_id = ${organizationId}`
  })

  const countByOrganization = Effect.fn("ActivityRepositorySql.countByOrganization")(
    (organizationId: OrganizationId) => Effect.map(countQuery(organizationId), (row) => row.n),
    Effect.catchTag("ParseError", "NoSuchElementException", Effect.die),
    orUnavailable
  )

  const reassignLead = Effect.fn("ActivityRepositorySql.reassignLead")(function* (
    organizationId: OrganizationId,
    from: LeadId,
    to: LeadId
  ) {
    const rows = yield* sql`
      UPDATE activities SET lead_id = ${to} WHERE organization_id = ${organizationId} AND lead_id = ${from}
      RETURNING id`
    return rows.length
  }, orUnavailable)

  return ActivityRepository.of({ insert, listByLead, countByOrganization, reassignLead })
})

export const ActivityRepositorySql = Layer.effect(ActivityRepository, make)
