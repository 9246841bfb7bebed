import * as SqlClient from "@effect/sql/SqlClient"
import * as SqlSchema from "@effect/sql/SqlSchema"
import { ApiKey, ApiKeyId, ApiKeyRepository, OrganizationId, UniqueConflict } from "@leadforge/domain"
import { Effect, Layer, Option, ParseResult, Schema } from "effect"
import { orUnavailable } from "./errors.js"
import { fromRow } from "./rows.js"

/** The `api_keys` columns a key is read from, in one fixed order. */
const API_KEY_SELECT_LIST = "id, organization_id, name, role, prefix, hash, created_at, last_used_at, revoked_at"

/** An `api_keys` row as both drivers return it without result renaming. */
interface ApiKeyRecord {
  readonly id: string
  readonly organization_id: string
  readonly name: string
  readonly role: string
  readonly prefix: string
  readonly hash: string
  readonly created_at: Date | string
  readonly last_used_at: Date | string | null
  readonly revoked_at: Date | string | null
}

const toDate = (value: Date | string): Date => (value instanceof Date ? value : new Date(value))

/**
 * The key a row holds, without decoding it through the schema again: every row was written from a valid ApiKey,
 * and resolving the caller's key is on the path of every request the key cache does not answer. The contract suite
 * holds this equal to the schema's decoding (list).
 */
const ApiKeyFromRow: Schema.Schema<ApiKey, ApiKeyRecord> = Schema.transformOrFail(
  Schema.Unknown as Schema.Schema<ApiKeyRecord>,
  Schema.declare((u): u is ApiKey => u instanceof ApiKey),
  {
    strict: true,
    decode: (row) =>
      ParseResult.succeed(
        new ApiKey(
          {
            id: row.id,
            organizationId: row.organization_id,
            name: row.name,
            role: row.role,
            prefix: row.prefix,
            hash: row.hash,
            createdAt: toDate(row.created_at),
            lastUsedAt: row.last_used_at === null ? null : toDate(row.last_used_at),
            revokedAt: row.revoked_at === null ? null : toDate(row.revoked_at)
          } as ApiKey,
          true
        )
      ),
    encode: (key, _, ast) => ParseResult.fail(new ParseResult.Forbidden(ast, key, "an ApiKey is written as ApiKey"))
  }
)

const ApiKeyRow = fromRow(ApiKey)

export const make = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const select = sql.literal(API_KEY_SELECT_LIST)

  const insertQuery = SqlSchema.findAll({
    Request: ApiKey,
    Result: Schema.Struct({ id: Schema.String }),
    execute: (row) => sql`INSERT INTO api_keys ${sql.insert(row)} ON CONFLICT DO NOTHING RETURNING id`
  })

  /** The key already holding `key`'s hash or id. */
  const conflictingQuery = SqlSchema.findOne({
    Request: ApiKey,
    Result: Schema.Struct({ id: Schema.String }),
    execute: (key) => sql`SELECT id FROM api_keys WHERE hash = ${key.hash} OR id = ${key.id} LIMIT 1`
  })

  const findActiveByHashQuery = SqlSchema.findOne({
    Request: Schema.String,
    Result: ApiKeyFromRow,
    execute: (hash) => sql`SELECT ${select} FROM api_keys WHERE hash = ${hash} AND revoked_at IS NULL`.withoutTransform
  })

  const listQuery = SqlSchema.findAll({
    Request: OrganizationId,
    Result: ApiKeyRow,
    execute: (organizationId) =>
      sql`SELECT * FROM api_keys WHERE organization_id = ${organizationId} ORDER BY created_at DESC, id`
  })

  const revokeQuery = SqlSchema.findAll({
    Request: Schema.Struct({ organizationId: OrganizationId, id: ApiKeyId, at: Schema.Date }),
    Result: Schema.Struct({ id: Schema.String }),
    execute: ({ at, id, organizationId }) => sql`
      UPDATE api_keys SET revoked_at = ${at}
      WHERE organization_id = ${organizationId} AND id = ${id} AND revoked_at IS NULL RETURNING id`
  })

  const touchQuery = SqlSchema.void({
    Request: Schema.Struct({ id: ApiKeyId, at: Schema.Date }),
    execute: ({ at, id }) => sql`UPDATE api_keys SET last_used_at = ${at} WHERE id = ${id}`
  })

  const insert = Effect.fn("ApiKeyRepositorySql.insert")(
    function* (key: ApiKey) {
      const inserted = yield* insertQuery(key)
      if (inserted.length === 1) return key
      const existing = yield* conflictingQuery(key)
      return yield* new UniqueConflict({
        entity: "api_key",
        field: "hash",
        existingId: Option.match(existing, { onNone: () => key.id, onSome: (row) => row.id })
      })
    },
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  const findActiveByHash = Effect.fn("ApiKeyRepositorySql.findActiveByHash")(
    (hash: string) => findActiveByHashQuery(hash),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  const list = Effect.fn("ApiKeyRepositorySql.list")(
    (organizationId: OrganizationId) => listQuery(organizationId),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  const revoke = Effect.fn("ApiKeyRepositorySql.revoke")(
    (organizationId: OrganizationId, id: ApiKeyId, at: Date) =>
      Effect.map(revokeQuery({ organizationId, id, at }), (rows) => rows.length === 1),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  const touch = Effect.fn("ApiKeyRepositorySql.touch")(
    (id: ApiKeyId, at: Date) => touchQuery({ id, at }),
    Effect.catchTag("ParseError", Effect.die),
    orUnavailable
  )

  return ApiKeyRepository.of({ insert, findActiveByHash, list, revoke, touch })
})

export const ApiKeyRepositorySql = Layer.effect(ApiKeyRepository, make)
