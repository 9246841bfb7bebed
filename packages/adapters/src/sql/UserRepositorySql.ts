import * as SqlClient from "@effect/sql/SqlClient"
import * as SqlSchema from "@effect/sql/SqlSchema"
import { OrganizationId, UniqueConflict, User, UserId, UserRepository } from "@leadforge/domain"
import { Effect, Layer, Schema } from "effect"
import { orUnavailable } from "./errors.js"
import { fromRow } from "./rows.js"

export const UserRepositorySql = Layer.effect(
  UserRepository,
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const UserRow = fromRow(User)
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
    return UserRepository.of({
      insert: Effect.fn("UserRepositorySql.insert")(function* (user: User) {
        const rows = yield* sql`
          INSERT INTO users ${sql.insert(Schema.encodeSync(User)(user))} ON CONFLICT DO NOTHING RETURNING id`
        if (rows.length === 1) return user
        const existing = yield* sql<{ readonly id: string }>`
          SELECT id FROM users
          WHERE (organization_id = ${user.organizationId} AND lower(email) = lower(${user.email})) OR id = ${user.id}
          LIMIT 1`
        return yield* new UniqueConflict({ entity: "user", field: "email", existingId: existing[0]?.id ?? user.id })
      }, orUnavailable),
      findById: Effect.fn("UserRepositorySql.findById")(
        (organizationId: OrganizationId, id: UserId) => findByIdQuery({ organizationId, id }),
        Effect.catchTag("ParseError", Effect.die),
        orUnavailable
      ),
      list: Effect.fn("UserRepositorySql.list")(
        (organizationId: OrganizationId) => listQuery(organizationId),
        Effect.catchTag("ParseError", Effect.die),
        orUnavailable
      )
    })
  })
)
