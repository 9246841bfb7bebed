import type { ValidationFailed } from "@leadforge/domain"
import { Effect, Either, Schema } from "effect"
import { invalidCursor } from "../shared/cursor.js"

/** Drivers hand back timestamptz as Date and jsonb as objects; domain schemas decode from ISO strings. */
const Row = (reshape?: (row: Record<string, unknown>) => Record<string, unknown>) =>
  Schema.transform(Schema.Object, Schema.Object, {
    strict: true,
    decode: (row) => {
      // a shallow copy keeps the driver row's shape; only the Date columns are rewritten
      const out: Record<string, unknown> = { ...row }
      for (const key in out) {
        const value = out[key]
        if (value instanceof Date) out[key] = value.toISOString()
      }
      return reshape === undefined ? out : reshape(out)
    },
    encode: (row) => row
  })

const plainRow = Row()

/**
 * A Result schema for SqlSchema: a database row (camelCase keys) decoded into the domain entity. `reshape` maps a
 * row whose columns differ from the entity's fields (a jsonb column holding some of them, say) to the entity's
 * encoded shape first.
 */
export const fromRow = <A, I, R>(
  entity: Schema.Schema<A, I, R>,
  reshape?: (row: Record<string, unknown>) => Record<string, unknown>
): Schema.Schema<A, object, R> =>
  Schema.compose(reshape === undefined ? plainRow : Row(reshape), entity as unknown as Schema.Schema<A, object, R>, {
    strict: false
  })

/** jsonb parameters go over the wire as JSON text on both drivers. */
export const json = (value: unknown): string | null =>
  value === null || value === undefined ? null : JSON.stringify(value)

/** Opaque keyset cursors: base64url JSON. */
export const encodeCursor = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url")

/**
 * Decodes a cursor with `schema`; anything else fails with ValidationFailed naming `cursor` rather than silently
 * starting over. Absent or empty (`?cursor=`) means the first page.
 */
export const decodeCursor = <A, I>(
  schema: Schema.Schema<A, I>,
  cursor: string | undefined
): Effect.Effect<A | undefined, ValidationFailed> => {
  if (cursor === undefined || cursor === "") return Effect.succeed(undefined)
  try {
    const decoded = Schema.decodeUnknownEither(schema)(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")))
    return Either.isRight(decoded) ? Effect.succeed(decoded.right) : Effect.fail(invalidCursor())
  } catch {
    return Effect.fail(invalidCursor())
  }
}

/** A timestamp as it goes into a cursor: an ISO string that Date.parse understands. */
export const CursorTimestamp = Schema.String.pipe(Schema.filter((s) => !Number.isNaN(Date.parse(s))))

/** The tie-breaking id of a keyset cursor: a UUID, since it is compared with uuid columns. */
export const CursorId = Schema.UUID

/**
 * A keyset page from `limit + 1` rows fetched in order: the first `limit`, and a cursor after the last of them when
 * the extra row says there is more.
 */
export const keysetPage = <A>(rows: ReadonlyArray<A>, limit: number, cursorOf: (last: A) => unknown) => {
  const items = rows.slice(0, limit)
  const last = items.at(-1)
  return { items, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(cursorOf(last)) : null }
}

export const clampLimit = (limit: number | undefined, fallback = 50, max = 500): number =>
  Math.max(1, Math.min(max, Math.trunc(limit ?? fallback)))
