import { Schema } from "effect"

export const Score = Schema.Int.pipe(Schema.between(0, 100), Schema.annotations({ identifier: "Score" }))
export type Score = typeof Score.Type

export const Confidence = Schema.Int.pipe(Schema.between(0, 100), Schema.annotations({ identifier: "Confidence" }))
export type Confidence = typeof Confidence.Type

export const Version = Schema.Int.pipe(Schema.greaterThanOrEqualTo(1), Schema.annotations({ identifier: "Version" }))

/** ISO 3166-1 alpha-2, upper case. */
export const CountryCode = Schema.String.pipe(
  Schema.pattern(/^[A-Z]{2}$/, { message: () => "must be an ISO 3166-1 alpha-2 country code such as DE or US" }),
  Schema.annotations({ identifier: "CountryCode" })
)

/** E.164: a plus sign and up to 15 digits. */
export const E164 = Schema.String.pipe(
  Schema.pattern(/^\+[1-9]\d{6,14}$/, { message: () => "must be a phone number in E.164 form such as +14155550123" }),
  Schema.annotations({ identifier: "E164" })
)

/** The keys of a Schema struct's fields, in their declared order: field lists derived from the model, never typed twice. */
export const fieldNames = <Fields extends Schema.Struct.Fields>(fields: Fields): ReadonlyArray<keyof Fields & string> =>
  Object.keys(fields) as Array<keyof Fields & string>

export const Timestamps = {
  createdAt: Schema.Date,
  updatedAt: Schema.Date
}

/** Where a field's value came from; the merge policy reads it. */
export const FieldOrigin = Schema.Literal("user", "import", "llm", "research", "system")
export type FieldOrigin = typeof FieldOrigin.Type

export class FieldProvenance extends Schema.Class<FieldProvenance>("FieldProvenance")({
  origin: FieldOrigin,
  confidence: Confidence,
  observedAt: Schema.Date,
  sourceId: Schema.optional(Schema.String),
  model: Schema.optional(Schema.String),
  evidence: Schema.optional(Schema.Array(Schema.String))
}) {}

/** Provenance per field name; fields without an entry count as user-entered. */
export const Provenance = Schema.Record({ key: Schema.String, value: FieldProvenance })
export type Provenance = typeof Provenance.Type

/** Who did something: the audit trail records it. */
export class Actor extends Schema.Class<Actor>("Actor")({
  type: Schema.Literal("user", "api_key", "system"),
  id: Schema.String
}) {
  static readonly system = new Actor({ type: "system", id: "leadforge" })
}
