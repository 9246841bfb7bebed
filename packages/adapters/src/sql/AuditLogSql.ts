import * as SqlClient from "@effect/sql/SqlClient"
import * as SqlSchema from "@effect/sql/SqlSchema"
import type * as Statement from "@effect/sql/Statement"
import {
  AuditEvent,
  type AuditEventDraft,
  AuditLog,
  type AuditQuery,
  chainAuditEvent,
  OrganizationId
} from "@leadforge/domain"
import { Effect, Layer, Option, Schema } from "effect"
import { orUnavailable } from "./errors.js"
import { clampLimit, decodeCursor, fromRow, json, keysetPage } from "./rows.js"

const AuditRow = fromRow(AuditEvent)
const SequenceCursor = Schema.Struct({ n: Schema.Int })

export const make = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  const headQuery = SqlSchema.findOne({
    Request: Schema.Struct({ organizationId: OrganizationId, sequence: Schema.Int }),
    Result: AuditRow,
    execute: ({ organizationId, sequence }) =>
      sql`SELECT * FROM audit_events WHERE organization_id = ${organizationId} AND sequence = ${sequence}`
  })

  /**
   * The organization's row in audit_heads is locked (FOR UPDATE) for the rest of the transaction, so concurrent
   * appends to one organization queue up and never fork the chain; other organizations are not blocked.
   */
  const append = Effect.fn("AuditLogSql.append")(
    (draft: AuditEventDraft) =>
      sql.withTransaction(
        Effect.gen(function* () {
          yield* sql`INSERT INTO audit_heads (organization_id, sequence) VALUES (${draft.organizationId}, 0)
                     ON CONFLICT DO NOTHING`
          const locked = yield* sql<{ readonly sequence: number }>`
            SELECT sequence FROM audit_heads WHERE organization_id = ${draft.organizationId} FOR UPDATE`
          const sequence = locked[0]?.sequence ?? 0
          const previous =
            sequence === 0 ? Option.none() : yield* headQuery({ organizationId: draft.organizationId, sequence })
          const event = chainAuditEvent(Option.getOrNull(previous), draft)
          const encoded = Schema.encodeSync(AuditEvent)(event)
          yield* sql`INSERT INTO audit_events ${sql.insert({
            ...encoded,
            actor: json(encoded.actor),
            details: json(encoded.details)
          })}`
          yield* sql`UPDATE audit_heads SET sequence = ${event.sequence} WHERE organization_id = ${draft.organizationId}`
          return event
        })
      ),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  const pageQuery = SqlSchema.findAll({
    Request: Schema.Struct({
      organizationId: OrganizationId,
      entityType: Schema.UndefinedOr(Schema.String),
      entityId: Schema.UndefinedOr(Schema.String),
      from: Schema.UndefinedOr(Schema.Date),
      to: Schema.UndefinedOr(Schema.Date),
      after: Schema.UndefinedOr(Schema.Int),
      limit: Schema.Int
    }),
    Result: AuditRow,
    execute: (query) => {
      const filters: Array<Statement.Fragment> = [sql`organization_id = ${query.organizationId}`]
      if (query.entityType !== undefined) filters.push(sql`entity_type = ${query.entityType}`)
      if (query.entityId !== undefined) filters.push(sql`entity_id = ${query.entityId}`)
      if (query.from !== undefined) filters.push(sql`at >= ${query.from}`)
      if (query.to !== undefined) filters.push(sql`at < ${query.to}`)
      if (query.after !== undefined) filters.push(sql`sequence > ${query.after}`)
      return sql`SELECT * FROM audit_events WHERE ${sql.and(filters)} ORDER BY sequence LIMIT ${query.limit}`
    }
  })

  const list = Effect.fn("AuditLogSql.list")(
    function* (organizationId: OrganizationId, query: AuditQuery) {
      const limit = clampLimit(query.limit)
      const after = yield* decodeCursor(SequenceCursor, query.cursor)
      const page = yield* pageQuery({
        organizationId,
        entityType: query.entityType,
        entityId: query.entityId,
        from: query.from,
        to: query.to,
        after: after?.n,
        limit: limit + 1
      })
      return keysetPage(page, limit, (last) => ({ n: last.sequence }))
    },
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  const chainQuery = SqlSchema.findAll({
    Request: OrganizationId,
    Result: AuditRow,
    execute: (organizationId) =>
      sql`SELECT * FROM audit_events WHERE organization_id = ${organizationId} ORDER BY sequence`
  })

  const chain = Effect.fn("AuditLogSql.chain")(
    (organizationId: OrganizationId) => chainQuery(organizationId),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  return AuditLog.of({ append, list, chain })
})

export const AuditLogSql = Layer.effect(AuditLog, make)
