import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Lead, LeadId, ResearchTask, ResearchTaskId, ResearchTaskStatus } from "@leadforge/domain"
import { Duration, Schema } from "effect"
import { Authentication } from "./Security.js"
import { Limit, pageOf } from "./schemas.js"

/** Every field is decoded, and a field the endpoint does not know is an error naming it. */
const strict = { parseOptions: { errors: "all" as const, onExcessProperty: "error" as const } }

/** The longest `?wait=` a request may hold a connection. */
export const MAX_WAIT = Duration.seconds(60)

const WAIT = /^(\d+(?:\.\d+)?)\s*(ms|s|m)?$/

/** `30s`, `500ms`, `1m` or plain seconds (`30`); undefined when malformed or longer than MAX_WAIT. */
export const parseWait = (text: string): Duration.Duration | undefined => {
  const match = WAIT.exec(text.trim())
  if (match === null) return undefined
  const amount = Number(match[1])
  const unit = match[2] ?? "s"
  const millis = unit === "ms" ? amount : unit === "m" ? amount * 60_000 : amount * 1_000
  return millis <= Duration.toMillis(MAX_WAIT) ? Duration.millis(millis) : undefined
}

/**
 * The request body. Types are checked here (400); kind-specific rules (which fields each kind needs, sizes,
 * the lead) are checked by the use case so every problem comes back together as 422 naming the fields.
 */
export const ResearchInput = Schema.Struct({
  kind: Schema.String.annotations({ description: "find_contacts, enrich_company or query" }),
  leadId: Schema.optional(Schema.String).annotations({
    description: "The lead (required for find_contacts and enrich_company)"
  }),
  query: Schema.optional(Schema.String).annotations({ description: "The question (kind query)" }),
  instructions: Schema.optional(Schema.String).annotations({
    description: 'find_contacts: guidance such as "engineering leadership"'
  }),
  limit: Schema.optional(Schema.Number).annotations({ description: "find_contacts: at most this many people (1-50)" }),
  maxAttempts: Schema.optional(Schema.Number).annotations({ description: "Tries before the task fails (1-10)" })
}).annotations(strict)

/** A task still queued or running when `?wait=` ran out: the same body, sent with 202. */
export class ResearchTaskPending extends Schema.Class<ResearchTaskPending>("ResearchTaskPending")(
  ResearchTask.fields
) {}

const WaitParam = Schema.String.pipe(
  Schema.filter((text) => parseWait(text) !== undefined, {
    message: () => "must be a duration of at most 60s, such as 30s, 500ms or 1m"
  })
)

export const ResearchGetParams = Schema.Struct({
  wait: Schema.optionalWith(WaitParam, { exact: true }).annotations({
    description: "Wait up to this long for the task to finish: 200 when it has, else 202"
  })
}).annotations(strict)

export const ResearchListParams = Schema.Struct({
  status: Schema.optionalWith(ResearchTaskStatus, { exact: true }),
  limit: Schema.optionalWith(Limit, { exact: true }),
  cursor: Schema.optionalWith(Schema.String.pipe(Schema.maxLength(500)), { exact: true })
}).annotations(strict)

export const ResearchPage = pageOf(ResearchTask)

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
const TaskPath = Schema.Struct({ id: ResearchTaskId })

const NEEDS_MODEL = "Needs a language model (GROQ_API_KEY); without one this answers 503 with code llm_not_configured."

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

export class ResearchApi extends HttpApiGroup.make("research")
  .add(
    HttpApiEndpoint.post("submit", "/research")
      .setPayload(ResearchInput)
      .addSuccess(ResearchTask, { status: 202 })
      .annotate(OpenApi.Summary, "Submit a research task")
      .annotate(OpenApi.Description, `Queues a research task; a worker runs it. ${NEEDS_MODEL}`)
  )
  .add(
    HttpApiEndpoint.get("list", "/research")
      .setUrlParams(ResearchListParams)
      .addSuccess(ResearchPage)
      .annotate(OpenApi.Summary, "List research tasks")
  )
  .add(
    HttpApiEndpoint.get("get", "/research/:id")
      .setPath(TaskPath)
      .setUrlParams(ResearchGetParams)
      .addSuccess(ResearchTask)
      .addSuccess(ResearchTaskPending, { status: 202 })
      .annotate(OpenApi.Summary, "Get a research task")
      .annotate(
        OpenApi.Description,
        "With `?wait=`, holds the request until the task finishes (200) or the wait ends (202)."
      )
  )
  .add(
    HttpApiEndpoint.post("cancel", "/research/:id/cancel")
      .setPath(TaskPath)
      .addSuccess(ResearchTask)
      .annotate(OpenApi.Summary, "Cancel a research task")
      .annotate(OpenApi.Description, "Cancels a queued or running task; a finished task is returned unchanged.")
  )
  .middleware(Authentication)
  .prefix("/api/v1")
  .annotate(
    OpenApi.Description,
    "Durable background research: find_contacts, enrich_company and free-text query tasks run by workers."
  ) {}
