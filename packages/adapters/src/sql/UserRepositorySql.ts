import * as SqlClient from "@effect/sql/SqlClient"
import * as SqlSchema from "@effect/sql/SqlSchema"
import { UniqueConflict, User, UserId, UserRepository } from "@leadforge/domain"
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

  /** The user holding `user`'s email, or its id. */
  const conflictingQuery = SqlSchema.findOne({
    Request: User,
    Result: Schema.Struct({ id: Schema.String }),
    execute: (user) => sql`SELECT id FROM users WHERE lower(email) = lower(${user.email}) OR id = ${user.id} LIMIT 1`
  })

  const findByIdQuery = SqlSchema.findOne({
    Request: UserId,
    Result: UserRow,
    execute: (id) => sql`SELECT * FROM users WHERE id = ${id}`
  })

  const findByEmailQuery = SqlSchema.findOne({
    Request: Schema.String,
    Result: UserRow,
    execute: (email) => sql`SELECT * FROM users WHERE lower(email) = lower(${email})`
  })

  const updateQuery = SqlSchema.findAll({
    Request: User,
    Result: Schema.Struct({ id: Schema.String }),
    execute: (user) => sql`
      UPDATE users SET
        name = ${user.name},
        password_hash = ${user.passwordHash},
        failed_sign_ins = ${user.failedSignIns},
        locked_until = ${user.lockedUntil},
        updated_at = ${user.updatedAt}
      WHERE id = ${user.id}
      RETURNING id`
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
    (id: UserId) => findByIdQuery(id),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  const findByEmail = Effect.fn("UserRepositorySql.findByEmail")(
    (email: string) => findByEmailQuery(email),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  const update = Effect.fn("UserRepositorySql.update")(
    (user: User) => Effect.map(updateQuery(user), (rows) => rows.length === 1),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  return UserRepository.of({ insert, findById, findByEmail, update })
})

export const UserRepositorySql = Layer.effect(UserRepository, make)
