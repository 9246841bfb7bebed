import { DateTime, Int4, Text, TextLimits } from "@leadforge/domain"
import { Schema } from "effect"

/** Decode every field of a body or query so one response lists every problem, not just the first. */
export const reportAll = { parseOptions: { errors: "all" as const } }

/** Every field is decoded, and a field the endpoint does not know is an error naming it. */
export const reportAllStrict = { parseOptions: { errors: "all" as const, onExcessProperty: "error" as const } }

export const Limit = Schema.NumberFromString.pipe(
  Schema.int(),
  Schema.between(1, 200, { message: () => "must be an integer from 1 to 200" })
)
export const DateParam = DateTime

/** A page cursor as the server hands it out; anything longer is not one. */
export const Cursor = Text(500)

/** A record's version, sent back in the body when the client does not send If-Match. */
export const VersionField = Int4

/** A free-text query parameter. */
export const QueryText = Text(TextLimits.query)

/** `If-Match: "3"` (or W/"3" or 3): the lead version the caller read. */
export const IfMatchHeaders = Schema.Struct({ "if-match": Schema.optional(Schema.String) })

export const pageOf = <A, I, R>(item: Schema.Schema<A, I, R>) =>
  Schema.Struct({ items: Schema.Array(item), nextCursor: Schema.NullOr(Schema.String) })

export const listOf = <A, I, R>(item: Schema.Schema<A, I, R>) => Schema.Struct({ items: Schema.Array(item) })

/** A keyset page request: at most `limit` items after `cursor`. */
export const PageParams = Schema.Struct({
  limit: Schema.optionalWith(Limit, { exact: true }),
  cursor: Schema.optionalWith(Cursor, { exact: true })
}).annotations(reportAll)
