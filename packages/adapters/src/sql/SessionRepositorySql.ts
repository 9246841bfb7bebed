import * as SqlClient from "@effect/sql/SqlClient"
import * as SqlSchema from "@effect/sql/SqlSchema"
import {
  OrganizationId,
  Role,
  Session,
  SessionEndReason,
  SessionId,
  SessionRepository,
  UserId
} from "@leadforge/domain"
import { Effect, Layer, Schema } from "effect"
import { orUnavailable } from "./errors.js"
import { fromRow } from "./rows.js"

/** A session row with its user's current role in the session's organization (`member_role`, null when gone). */
const ResolvedRow = fromRow(Schema.Struct({ session: Session, role: Schema.NullOr(Role) }), (row) => {
  const { memberRole, ...session } = row
  return { session, role: memberRole ?? null }
})

export const make = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  const insertQuery = SqlSchema.void({
    Request: Session,
    execute: (row) => sql`INSERT INTO sessions ${sql.insert(row)}`
  })

  const findByTokenHashQuery = SqlSchema.findOne({
    Request: Schema.String,
    Result: ResolvedRow,
    execute: (tokenHash) => sql`
      SELECT s.*, m.role AS member_role FROM sessions s
      LEFT JOIN memberships m ON m.organization_id = s.organization_id AND m.user_id = s.user_id
      WHERE s.token_hash = ${tokenHash}`
  })

  const findByIdQuery = SqlSchema.findOne({
    Request: SessionId,
    Result: ResolvedRow,
    execute: (id) => sql`
      SELECT s.*, m.role AS member_role FROM sessions s
      LEFT JOIN memberships m ON m.organization_id = s.organization_id AND m.user_id = s.user_id
      WHERE s.id = ${id}`
  })

  const touchQuery = SqlSchema.void({
    Request: Schema.Struct({ id: SessionId, at: Schema.DateFromSelf }),
    execute: ({ id, at }) => sql`UPDATE sessions SET last_seen_at = ${at} WHERE id = ${id} AND last_seen_at < ${at}`
  })

  const revokeQuery = SqlSchema.findAll({
    Request: Schema.Struct({ id: SessionId, at: Schema.DateFromSelf, reason: SessionEndReason }),
    Result: Schema.Struct({ id: Schema.String }),
    execute: ({ id, at, reason }) => sql`
      UPDATE sessions SET revoked_at = ${at}, revoked_reason = ${reason}
      WHERE id = ${id} AND revoked_at IS NULL
      RETURNING id`
  })

  const revokeForUserQuery = SqlSchema.findAll({
    Request: Schema.Struct({
      userId: UserId,
      at: Schema.DateFromSelf,
      reason: SessionEndReason,
      organizationId: Schema.NullOr(OrganizationId),
      except: Schema.NullOr(SessionId)
    }),
    Result: Schema.Struct({ id: Schema.String }),
    execute: ({ userId, at, reason, organizationId, except }) => sql`
      UPDATE sessions SET revoked_at = ${at}, revoked_reason = ${reason}
      WHERE user_id = ${userId} AND revoked_at IS NULL
        AND (${organizationId}::uuid IS NULL OR organization_id = ${organizationId})
        AND (${except}::uuid IS NULL OR id <> ${except})
      RETURNING id`
  })

  const insert = Effect.fn("SessionRepositorySql.insert")(
    (session: Session) => Effect.as(insertQuery(session), session),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  const findByTokenHash = Effect.fn("SessionRepositorySql.findByTokenHash")(
    (tokenHash: string) => findByTokenHashQuery(tokenHash),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  const findById = Effect.fn("SessionRepositorySql.findById")(
    (id: SessionId) => findByIdQuery(id),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  const touch = Effect.fn("SessionRepositorySql.touch")(
    (id: SessionId, at: Date) => touchQuery({ id, at }),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  const revoke = Effect.fn("SessionRepositorySql.revoke")(
    (id: SessionId, at: Date, reason: SessionEndReason) =>
      Effect.map(revokeQuery({ id, at, reason }), (rows) => rows.length === 1),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  const revokeForUser = Effect.fn("SessionRepositorySql.revokeForUser")(
    (
      userId: UserId,
      at: Date,
      reason: SessionEndReason,
      options: { readonly organizationId?: OrganizationId; readonly except?: SessionId } = {}
    ) =>
      Effect.map(
        revokeForUserQuery({
          userId,
          at,
          reason,
          organizationId: options.organizationId ?? null,
          except: options.except ?? null
        }),
        (rows) => rows.length
      ),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  return SessionRepository.of({ insert, findByTokenHash, findById, touch, revoke, revokeForUser })
})

export const SessionRepositorySql = Layer.effect(SessionRepository, make)
