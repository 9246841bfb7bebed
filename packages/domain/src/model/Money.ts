import { Schema } from "effect"

export class Money extends Schema.Class<Money>("Money")({
  /** Minor units (cents). */
  amount: Schema.Int.pipe(Schema.nonNegative()),
  currency: Schema.String.pipe(Schema.pattern(/^[A-Z]{3}$/, { message: () => "must be an ISO 4217 code such as EUR" }))
}) {}
