import * as SqlClient from "@effect/sql/SqlClient"
import * as SqlSchema from "@effect/sql/SqlSchema"
import { OrganizationId, UniqueConflict, User, UserId, UserRepository } from "@leadforge/domain"
import { Effect, Layer, Option, Schema } from "effect"
import { orUnavailable } from "./errors.js"
import { fromRow } from "./rows.js"

const UserRow = fromRow(User)

export const make = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  const insertQuery = SqlSchema.findAll({
    Request: User,
    Result: Schema.Struct({ id: Schema.String }),
    execute: (row) => sql`INSERT INTO users ${sql.insert(row)} ON CONFLICT DO NOTHING RETURNING id`
  })

  /** The user holding `user`'s email in its organization, or its id. */
  const conflictingQuery = SqlSchema.findOne({
    Request: User,
    Result: Schema.Struct({ id: Schema.String }),
    execute: (user) => sql`
      SELECT id FROM users
      WHERE (organization_id = ${user.organizationId} AND lower(email) = lower(${user.email})) OR id = ${user.id}
      LIMIT 1`
  })

  const findByIdQuery = SqlSchema.findOne({
    Request: Schema.Struct({ organizationId: OrganizationId, id: UserId }),
    Result: UserRow,
    execute: ({ id, organizationId }) =>
      sql`SELECT * FROM users WHERE organization_id = ${organizationId} AND id = ${id}`
  })

  const listQuery = SqlSchema.findAll({
    Request: OrganizationId,
    Result: UserRow,
    execute: (organizationId) =>
      sql`SELECT * FROM users WHERE organization_id = ${organizationId} ORDER BY created_at, id`
  })

  const insert = Effect.fn("UserRepositorySql.insert")(
    function* (user: User) {
      const inserted = yield* insertQuery(user)
      if (inserted.length === 1) return user
      const existing = yield* conflictingQuery(user)
      return yield* new UniqueConflict({
        entity: "user",
        field: "email",
        existingId: Option.match(existing, { onNone: () => user.id, onSome: (row) => row.id })
      })
    },
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  const findById = Effect.fn("UserRepositorySql.findById")(
    (organizationId: OrganizationId, id: UserId) => findByIdQuery({ organizationId, id }),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  const list = Effect.fn("UserRepositorySql.list")(
    (organizationId: OrganizationId) => listQuery(organizationId),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  return UserRepository.of({ insert, findById, list })
})

export const UserRepositorySql = Layer.effect(UserRepository, make)
