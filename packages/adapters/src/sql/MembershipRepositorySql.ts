import * as SqlClient from "@effect/sql/SqlClient"
import * as SqlSchema from "@effect/sql/SqlSchema"
import {
  Membership,
  MembershipRepository,
  Organization,
  OrganizationId,
  Role,
  UniqueConflict,
  User,
  UserId
} from "@leadforge/domain"
import { Effect, Layer, Schema } from "effect"
import { orUnavailable } from "./errors.js"
import { fromRow } from "./rows.js"

const MembershipRow = fromRow(Membership)

/** A member row: the user's columns and the membership's, the latter prefixed `m_`. */
const MemberRow = fromRow(Schema.Struct({ user: User, membership: Membership }), (row) => ({
  user: {
    id: row.id,
    email: row.email,
    name: row.name,
    passwordHash: row.passwordHash,
    failedSignIns: row.failedSignIns,
    lockedUntil: row.lockedUntil,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt
  },
  membership: { userId: row.id, organizationId: row.mOrganizationId, role: row.mRole, createdAt: row.mCreatedAt }
}))

const OrganizationOfRow = fromRow(Schema.Struct({ organization: Organization, membership: Membership }), (row) => ({
  organization: { id: row.organizationId, name: row.name, createdAt: row.createdAt },
  membership: { userId: row.userId, organizationId: row.organizationId, role: row.role, createdAt: row.mCreatedAt }
}))

const Key = Schema.Struct({ organizationId: OrganizationId, userId: UserId })

export const make = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  const insertQuery = SqlSchema.findAll({
    Request: Membership,
    Result: Schema.Struct({ userId: Schema.String }),
    execute: (row) => sql`INSERT INTO memberships ${sql.insert(row)} ON CONFLICT DO NOTHING RETURNING user_id`
  })

  const findQuery = SqlSchema.findOne({
    Request: Key,
    Result: MembershipRow,
    execute: ({ organizationId, userId }) =>
      sql`SELECT * FROM memberships WHERE organization_id = ${organizationId} AND user_id = ${userId}`
  })

  const listQuery = SqlSchema.findAll({
    Request: OrganizationId,
    Result: MemberRow,
    execute: (organizationId) => sql`
      SELECT u.*, m.organization_id AS m_organization_id, m.role AS m_role, m.created_at AS m_created_at
      FROM memberships m JOIN users u ON u.id = m.user_id
      WHERE m.organization_id = ${organizationId}
      ORDER BY m.created_at, u.id`
  })

  const organizationsOfQuery = SqlSchema.findAll({
    Request: UserId,
    Result: OrganizationOfRow,
    execute: (userId) => sql`
      SELECT m.user_id, m.organization_id, m.role, m.created_at AS m_created_at, o.name, o.created_at
      FROM memberships m JOIN organizations o ON o.id = m.organization_id
      WHERE m.user_id = ${userId}
      ORDER BY m.created_at, o.id`
  })

  const setRoleQuery = SqlSchema.findAll({
    Request: Schema.Struct({ ...Key.fields, role: Role }),
    Result: Schema.Struct({ userId: Schema.String }),
    execute: ({ organizationId, userId, role }) => sql`
      UPDATE memberships SET role = ${role}
      WHERE organization_id = ${organizationId} AND user_id = ${userId}
      RETURNING user_id`
  })

  const removeQuery = SqlSchema.findAll({
    Request: Key,
    Result: Schema.Struct({ userId: Schema.String }),
    execute: ({ organizationId, userId }) => sql`
      DELETE FROM memberships WHERE organization_id = ${organizationId} AND user_id = ${userId} RETURNING user_id`
  })

  const lockAdminsQuery = SqlSchema.findAll({
    Request: OrganizationId,
    Result: Schema.Struct({ userId: UserId }),
    execute: (organizationId) => sql`
      SELECT user_id FROM memberships
      WHERE organization_id = ${organizationId} AND role = 'admin'
      ORDER BY user_id
      FOR UPDATE`
  })

  const insert = Effect.fn("MembershipRepositorySql.insert")(
    function* (membership: Membership) {
      const inserted = yield* insertQuery(membership)
      if (inserted.length === 1) return membership
      return yield* new UniqueConflict({ entity: "membership", field: "userId", existingId: membership.userId })
    },
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  const find = Effect.fn("MembershipRepositorySql.find")(
    (organizationId: OrganizationId, userId: UserId) => findQuery({ organizationId, userId }),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  const list = Effect.fn("MembershipRepositorySql.list")(
    (organizationId: OrganizationId) => listQuery(organizationId),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  const organizationsOf = Effect.fn("MembershipRepositorySql.organizationsOf")(
    (userId: UserId) => organizationsOfQuery(userId),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  const setRole = Effect.fn("MembershipRepositorySql.setRole")(
    (organizationId: OrganizationId, userId: UserId, role: Role) =>
      Effect.map(setRoleQuery({ organizationId, userId, role }), (rows) => rows.length === 1),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  const remove = Effect.fn("MembershipRepositorySql.remove")(
    (organizationId: OrganizationId, userId: UserId) =>
      Effect.map(removeQuery({ organizationId, userId }), (rows) => rows.length === 1),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  const lockAdmins = Effect.fn("MembershipRepositorySql.lockAdmins")(
    (organizationId: OrganizationId) =>
      Effect.map(lockAdminsQuery(organizationId), (rows) => rows.map((row) => row.userId)),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  return MembershipRepository.of({ insert, find, list, organizationsOf, setRole, remove, lockAdmins })
})

export const MembershipRepositorySql = Layer.effect(MembershipRepository, make)
