import { Grade, Lead } from "@leadforge/domain"
import { Schema } from "effect"

/** Decode every field of a body or query so one response lists every problem, not just the first. */
export const reportAll = { parseOptions: { errors: "all" as const } }

export const Limit = Schema.NumberFromString.pipe(
  Schema.int(),
  Schema.between(1, 200, { message: () => "must be an integer from 1 to 200" })
)
export const ScoreParam = Schema.NumberFromString.pipe(
  Schema.int(),
  Schema.between(0, 100, { message: () => "must be an integer from 0 to 100" })
)
export const DateParam = Schema.Date.annotations({ description: "An ISO 8601 date-time" })

/** `If-Match: "3"` (or W/"3" or 3): the lead version the caller read. */
export const IfMatchHeaders = Schema.Struct({ "if-match": Schema.optional(Schema.String) })

export const pageOf = <A, I, R>(item: Schema.Schema<A, I, R>) =>
  Schema.Struct({ items: Schema.Array(item), nextCursor: Schema.NullOr(Schema.String) })

export const listOf = <A, I, R>(item: Schema.Schema<A, I, R>) => Schema.Struct({ items: Schema.Array(item) })

export class ScoreFactor extends Schema.Class<ScoreFactor>("ScoreFactor")({
  factor: Schema.String,
  points: Schema.Number,
  reason: Schema.String
}) {}

export class ScoreExplanation extends Schema.Class<ScoreExplanation>("ScoreExplanation")({
  score: Schema.Int,
  grade: Grade,
  factors: Schema.Array(ScoreFactor),
  modelVersion: Schema.String
}) {}

export class Rescored extends Schema.Class<Rescored>("Rescored")({ lead: Lead, score: ScoreExplanation }) {}

export class MergeDecision extends Schema.Class<MergeDecision>("MergeDecision")({
  field: Schema.String,
  winner: Schema.Literal("target", "source", "both"),
  value: Schema.Unknown,
  reason: Schema.String
}) {}

export class MergeResult extends Schema.Class<MergeResult>("MergeResult")({
  dryRun: Schema.Boolean,
  /** The merged lead: stored when dryRun is false, a preview otherwise. */
  lead: Lead,
  decisions: Schema.Array(MergeDecision),
  movedContacts: Schema.Int,
  movedActivities: Schema.Int
}) {}
