import * as SqlClient from "@effect/sql/SqlClient"
import * as SqlSchema from "@effect/sql/SqlSchema"
import { ApiKey, type ApiKeyId, ApiKeyRepository, OrganizationId, UniqueConflict } from "@leadforge/domain"
import { Effect, Layer, Option, Schema } from "effect"
import { orUnavailable } from "./errors.js"
import { fromRow } from "./rows.js"
import { hotSpan } from "./spans.js"

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
 * The key a row holds, without decoding it through the schema again: every row was written from a valid ApiKey.
 * Resolving the caller's key is on every request's path (when the key cache is off or cold); the contract suite
 * holds this equal to the schema's decoding.
 */
const apiKeyFromRow = (row: ApiKeyRecord): ApiKey =>
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

const FIND_ACTIVE_KEY =
  "SELECT id, organization_id, name, role, prefix, hash, created_at, last_used_at, revoked_at " +
  "FROM api_keys WHERE hash = $1 AND revoked_at IS NULL"

export const ApiKeyRepositorySql = Layer.effect(
  ApiKeyRepository,
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const KeyRow = fromRow(ApiKey)
    const listQuery = SqlSchema.findAll({
      Request: OrganizationId,
      Result: KeyRow,
      execute: (organizationId) =>
        sql`SELECT * FROM api_keys WHERE organization_id = ${organizationId} ORDER BY created_at DESC, id`
    })
    return ApiKeyRepository.of({
      insert: Effect.fn("ApiKeyRepositorySql.insert")(function* (key: ApiKey) {
        const rows = yield* sql`
          INSERT INTO api_keys ${sql.insert(Schema.encodeSync(ApiKey)(key))} ON CONFLICT DO NOTHING RETURNING id`
        if (rows.length === 1) return key
        const existing = yield* sql<{ readonly id: string }>`
          SELECT id FROM api_keys WHERE hash = ${key.hash} OR id = ${key.id} LIMIT 1`
        return yield* new UniqueConflict({ entity: "api_key", field: "hash", existingId: existing[0]?.id ?? key.id })
      }, orUnavailable),
      // one constant statement, rows mapped directly, a span without a call-site stack trace (Effect.fn takes one)
      // and none where the tracer is off
      findActiveByHash: (hash: string) =>
        sql.unsafe<ApiKeyRecord>(FIND_ACTIVE_KEY, [hash]).withoutTransform.pipe(
          Effect.map((rows) => (rows[0] === undefined ? Option.none() : Option.some(apiKeyFromRow(rows[0])))),
          orUnavailable,
          hotSpan("ApiKeyRepositorySql.findActiveByHash")
        ),
      list: Effect.fn("ApiKeyRepositorySql.list")(
        (organizationId: OrganizationId) => listQuery(organizationId),
        Effect.catchTag("ParseError", Effect.die),
        orUnavailable
      ),
      revoke: Effect.fn("ApiKeyRepositorySql.revoke")(function* (
        organizationId: OrganizationId,
        id: ApiKeyId,
        at: Date
      ) {
        const rows = yield* sql`
          UPDATE api_keys SET revoked_at = ${at.toISOString()}
          WHERE organization_id = ${organizationId} AND id = ${id} AND revoked_at IS NULL RETURNING id`
        return rows.length === 1
      }, orUnavailable),
      touch: Effect.fn("ApiKeyRepositorySql.touch")(function* (id: ApiKeyId, at: Date) {
        yield* sql`UPDATE api_keys SET last_used_at = ${at.toISOString()} WHERE id = ${id}`
      }, orUnavailable)
    })
  })
)
