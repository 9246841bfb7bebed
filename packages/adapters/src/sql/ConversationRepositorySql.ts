import * as SqlClient from "@effect/sql/SqlClient"
import * as SqlSchema from "@effect/sql/SqlSchema"
import {
  Conversation,
  ConversationId,
  ConversationMessage,
  ConversationRepository,
  EntityNotFound,
  LeadId,
  OrganizationId
} from "@leadforge/domain"
import { Effect, Layer, Option, Schema } from "effect"
import { orUnavailable } from "./errors.js"
import { fromRow, json } from "./rows.js"

const ConversationRow = fromRow(Conversation)

export const make = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  const insertQuery = SqlSchema.void({
    Request: Conversation,
    execute: (row) => sql`INSERT INTO conversations ${sql.insert({ ...row, messages: json(row.messages) })}`
  })

  const appendQuery = SqlSchema.findAll({
    Request: Schema.Struct({ organizationId: OrganizationId, id: ConversationId, message: ConversationMessage }),
    Result: Schema.Struct({ id: Schema.String }),
    execute: ({ id, message, organizationId }) => sql`
      UPDATE conversations
      SET messages = messages || ${json([message])}::jsonb,
          updated_at = greatest(updated_at, ${message.sentAt}::timestamptz)
      WHERE organization_id = ${organizationId} AND id = ${id} RETURNING id`
  })

  const findByIdQuery = SqlSchema.findOne({
    Request: Schema.Struct({ organizationId: OrganizationId, id: ConversationId }),
    Result: ConversationRow,
    execute: ({ id, organizationId }) =>
      sql`SELECT * FROM conversations WHERE organization_id = ${organizationId} AND id = ${id}`
  })

  const listByLeadQuery = SqlSchema.findAll({
    Request: Schema.Struct({ organizationId: OrganizationId, leadId: LeadId }),
    Result: ConversationRow,
    execute: ({ leadId, organizationId }) =>
      sql`SELECT * FROM conversations WHERE organization_id = ${organizationId} AND lead_id = ${leadId}
          ORDER BY updated_at DESC, id`
  })

  const insert = Effect.fn("ConversationRepositorySql.insert")(
    (conversation: Conversation) => Effect.as(insertQuery(conversation), conversation),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  const appendMessage = Effect.fn("ConversationRepositorySql.appendMessage")(
    function* (organizationId: OrganizationId, id: ConversationId, message: ConversationMessage) {
      const appended = yield* appendQuery({ organizationId, id, message })
      if (appended.length === 0) return yield* new EntityNotFound({ entity: "conversation", id })
      const updated = yield* findByIdQuery({ organizationId, id })
      if (Option.isNone(updated)) return yield* new EntityNotFound({ entity: "conversation", id })
      return updated.value
    },
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  const findById = Effect.fn("ConversationRepositorySql.findById")(
    (organizationId: OrganizationId, id: ConversationId) => findByIdQuery({ organizationId, id }),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  const listByLead = Effect.fn("ConversationRepositorySql.listByLead")(
    (organizationId: OrganizationId, leadId: LeadId) => listByLeadQuery({ organizationId, leadId }),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  return ConversationRepository.of({ insert, appendMessage, findById, listByLead })
})

export const ConversationRepositorySql = Layer.effect(ConversationRepository, make)
