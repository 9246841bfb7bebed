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

export const ConversationRepositorySql = Layer.effect(
  ConversationRepository,
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const Row = fromRow(Conversation)
    const findByIdQuery = SqlSchema.findOne({
      Request: Schema.Struct({ organizationId: OrganizationId, id: ConversationId }),
      Result: Row,
      execute: ({ id, organizationId }) =>
        sql`SELECT * FROM conversations WHERE organization_id = ${organizationId} AND id = ${id}`
    })
    const listQuery = SqlSchema.findAll({
      Request: Schema.Struct({ organizationId: OrganizationId, leadId: LeadId }),
      Result: Row,
      execute: ({ leadId, organizationId }) =>
        sql`SELECT * FROM conversations WHERE organization_id = ${organizationId} AND lead_id = ${leadId}
            ORDER BY updated_at DESC, id`
    })
    const findById = Effect.fn("ConversationRepositorySql.findById")(
      (organizationId: OrganizationId, id: ConversationId) => findByIdQuery({ organizationId, id }),
      Effect.catchTag("ParseError", Effect.die),
      orUnavailable
    )
    return ConversationRepository.of({
      insert: Effect.fn("ConversationRepositorySql.insert")(function* (conversation: Conversation) {
        const encoded = Schema.encodeSync(Conversation)(conversation)
        yield* sql`INSERT INTO conversations ${sql.insert({ ...encoded, messages: json(encoded.messages) })}`
        return conversation
      }, orUnavailable),
      appendMessage: Effect.fn("ConversationRepositorySql.appendMessage")(
        function* (organizationId: OrganizationId, id: ConversationId, message: ConversationMessage) {
          const encoded = Schema.encodeSync(ConversationMessage)(message)
          const rows = yield* sql`
            UPDATE conversations
            SET messages = messages || ${json([encoded])}::jsonb,
                updated_at = greatest(updated_at, ${encoded.sentAt}::timestamptz)
            WHERE organization_id = ${organizationId} AND id = ${id} RETURNING id`
          if (rows.length === 0) return yield* new EntityNotFound({ entity: "conversation", id })
          const updated = yield* findByIdQuery({ organizationId, id })
          if (Option.isNone(updated)) return yield* new EntityNotFound({ entity: "conversation", id })
          return updated.value
        },
        Effect.catchTag("ParseError", Effect.die),
        orUnavailable
      ),
      findById,
      listByLead: Effect.fn("ConversationRepositorySql.listByLead")(
        (organizationId: OrganizationId, leadId: LeadId) => listQuery({ organizationId, leadId }),
        Effect.catchTag("ParseError", Effect.die),
        orUnavailable
      )
    })
  })
)
