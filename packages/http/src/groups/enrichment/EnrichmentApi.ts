import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Lead, LeadId } from "@leadforge/domain"
import { Schema } from "effect"
import { NEEDS_MODEL } from "../../contract/descriptions.js"
import { Authentication } from "../../contract/Security.js"

const Usage = Schema.Struct({
  promptTokens: Schema.Int,
  completionTokens: Schema.Int,
  latencyMs: Schema.Number,
  model: Schema.String
})

export class EnrichedClaimBody extends Schema.Class<EnrichedClaimBody>("EnrichedClaim")({
  field: Schema.String,
  value: Schema.Unknown,
  confidence: Schema.Number,
  /** Knowledge chunk or data source ids the claim rests on. */
  evidence: Schema.Array(Schema.String),
  /** The claim cited no evidence, so it was kept only at low confidence. */
  lowConfidence: Schema.Boolean,
  /** Whether the lead now holds the value (a user-entered or more trusted value is never overwritten). */
  applied: Schema.Boolean,
  reason: Schema.String
}) {}

export class Enrichment extends Schema.Class<Enrichment>("Enrichment")({
  lead: Lead,
  claims: Schema.Array(EnrichedClaimBody),
  /** Fields the model claimed without citing evidence (kept only as low-confidence). */
  lowConfidence: Schema.Array(Schema.String),
  aiAdoptionReasons: Schema.Array(Schema.Struct({ reason: Schema.String, evidence: Schema.Array(Schema.String) })),
  evidence: Schema.Array(
    Schema.Struct({
      id: Schema.String,
      kind: Schema.Literal("knowledge_chunk", "data_source"),
      title: Schema.String,
      url: Schema.NullOr(Schema.String)
    })
  ),
  /** The `llm` data source holding the whole enrichment. */
  sourceId: Schema.String,
  usage: Usage
}) {}

const LeadPath = Schema.Struct({ id: LeadId })

export class EnrichmentApi extends HttpApiGroup.make("enrichment")
  .add(
    HttpApiEndpoint.post("enrich", "/leads/:id/enrich")
      .setPath(LeadPath)
      .addSuccess(Enrichment)
      .annotate(OpenApi.Summary, "Enrich a lead")
      .annotate(
        OpenApi.Description,
        "Asks the model for industry, employee range, funding stage, location, a summary and an AI-adoption score, " +
          "each citing evidence from the lead's knowledge documents and data sources; stores them with llm " +
          `provenance (never over a user-entered value), rescores and audits. ${NEEDS_MODEL}`
      )
  )
  .middleware(Authentication)
  .prefix("/api/v1")
  .annotate(OpenApi.Description, "Enrichment of a lead by a language model, citing its evidence.") {}
