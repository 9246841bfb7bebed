import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { KnowledgeDoc, KnowledgeDocId, Lead, LeadId, ResearchTaskId, ResearchTaskStatus } from "@leadforge/domain"
import { Schema } from "effect"
import { Authentication } from "../../contract/Security.js"
import { listOf, reportAllStrict } from "../../contract/schemas.js"

/**
 * The ingest body. Types are checked here (400); emptiness, sizes, content type, URL and lead are checked by the
 * use case so every problem comes back together as 422 naming the fields.
 */
export const KnowledgeInput = Schema.Struct({
  title: Schema.optional(Schema.String),
  text: Schema.optional(Schema.String),
  contentType: Schema.optional(Schema.String).annotations({ description: "text (default), markdown or html" }),
  sourceUrl: Schema.optional(Schema.NullOr(Schema.String)),
  leadId: Schema.optional(Schema.NullOr(Schema.String)).annotations({ description: "Attach the document to a lead" })
}).annotations(reportAllStrict)

/** A document without its text (lists and search hits). */
export const KnowledgeDocSummary = Schema.Struct(KnowledgeDoc.fields).pipe(Schema.omit("text"))

export class Ingested extends Schema.Class<Ingested>("Ingested")({
  document: KnowledgeDocSummary,
  chunkCount: Schema.Int,
  /** `unchanged` when the same text was already stored. */
  status: Schema.Literal("created", "replaced", "unchanged")
}) {}

export const SearchInputBody = Schema.Struct({
  query: Schema.optional(Schema.String),
  k: Schema.optional(Schema.Number).annotations({ description: "Hits to return, 1-100 (default 10)" }),
  documentId: Schema.optional(Schema.String),
  leadId: Schema.optional(Schema.String),
  mode: Schema.optional(Schema.String).annotations({ description: "hybrid (default), vector or text" })
}).annotations(reportAllStrict)

/** The same search as query parameters (GET, so read-only keys can search too). */
export const SearchParams = Schema.Struct({
  query: Schema.optional(Schema.String),
  k: Schema.optional(Schema.NumberFromString),
  documentId: Schema.optional(Schema.String),
  leadId: Schema.optional(Schema.String),
  mode: Schema.optional(Schema.String)
}).annotations(reportAllStrict)

export class SearchHitBody extends Schema.Class<SearchHitBody>("SearchHit")({
  chunk: Schema.Struct({ id: Schema.String, ordinal: Schema.Int, text: Schema.String }),
  document: KnowledgeDocSummary,
  /** Reciprocal-rank-fusion score. */
  score: Schema.Number,
  signals: Schema.Array(Schema.Literal("text", "vector")),
  vectorScore: Schema.NullOr(Schema.Number),
  vectorRank: Schema.NullOr(Schema.Int),
  textRank: Schema.NullOr(Schema.Int)
}) {}

export class SearchResults extends Schema.Class<SearchResults>("SearchResults")({
  mode: Schema.Literal("hybrid", "vector", "text"),
  items: Schema.Array(SearchHitBody)
}) {}

export class SimilarLead extends Schema.Class<SimilarLead>("SimilarLead")({ lead: Lead, score: Schema.Number }) {}

export class Reindexed extends Schema.Class<Reindexed>("Reindexed")({
  documents: Schema.Int,
  chunks: Schema.Int,
  leads: Schema.Int
}) {}

/** A reindex running in the background: queued, running, then succeeded (with its counts) or failed. */
export class ReindexTask extends Schema.Class<ReindexTask>("ReindexTask")({
  id: ResearchTaskId,
  status: ResearchTaskStatus,
  attempts: Schema.Int,
  maxAttempts: Schema.Int,
  /** What was reindexed, once it succeeded. */
  result: Schema.NullOr(Reindexed),
  /** Why the last attempt failed. */
  error: Schema.NullOr(Schema.String),
  createdAt: Schema.Date,
  updatedAt: Schema.Date
}) {}

const ReindexPath = Schema.Struct({ id: ResearchTaskId })

const DocPath = Schema.Struct({ id: KnowledgeDocId })
const LeadPath = Schema.Struct({ id: LeadId })
const SimilarParams = Schema.Struct({
  k: Schema.optional(
    Schema.NumberFromString.pipe(
      Schema.int(),
      Schema.between(1, 100, { message: () => "must be an integer from 1 to 100" })
    )
  )
}).annotations(reportAllStrict)

export class KnowledgeApi extends HttpApiGroup.make("knowledge")
  .add(
    HttpApiEndpoint.post("ingest", "/knowledge")
      .setPayload(KnowledgeInput)
      .addSuccess(Ingested, { status: 201 })
      .annotate(OpenApi.Summary, "Add a document")
      .annotate(
        OpenApi.Description,
        "Stores the text, splits it into chunks and indexes them; the same text again is unchanged."
      )
  )
  .add(
    HttpApiEndpoint.get("list", "/knowledge")
      .addSuccess(listOf(KnowledgeDocSummary))
      .annotate(OpenApi.Summary, "List documents")
  )
  .add(
    HttpApiEndpoint.get("get", "/knowledge/:id")
      .setPath(DocPath)
      .addSuccess(KnowledgeDoc)
      .annotate(OpenApi.Summary, "Get a document")
  )
  .add(
    HttpApiEndpoint.del("delete", "/knowledge/:id")
      .setPath(DocPath)
      .addSuccess(HttpApiSchema.NoContent)
      .annotate(OpenApi.Summary, "Delete a document")
  )
  .add(
    HttpApiEndpoint.post("reindex", "/knowledge/reindex")
      .addSuccess(ReindexTask, { status: 202 })
      .annotate(OpenApi.Summary, "Rebuild the index (in the background)")
      .annotate(
        OpenApi.Description,
        "Admin only. Queues a task that re-embeds every document chunk and lead of the organization into the " +
          "vector index, and answers at once; read its status at GET /knowledge/reindex/{id}. A reindex already " +
          "queued for the organization is returned instead of a second one."
      )
  )
  .add(
    HttpApiEndpoint.get("reindexStatus", "/knowledge/reindex/:id")
      .setPath(ReindexPath)
      .addSuccess(ReindexTask)
      .annotate(OpenApi.Summary, "Get a reindex task")
  )
  .add(
    HttpApiEndpoint.post("search", "/search")
      .setPayload(SearchInputBody)
      .addSuccess(SearchResults)
      .annotate(OpenApi.Summary, "Search the knowledge base")
      .annotate(OpenApi.Description, "Hybrid (vector and full-text), vector-only or text-only search over chunks.")
  )
  .add(
    HttpApiEndpoint.get("searchQuery", "/search")
      .setUrlParams(SearchParams)
      .addSuccess(SearchResults)
      .annotate(OpenApi.Summary, "Search the knowledge base (query parameters)")
      .annotate(OpenApi.Description, "The same search as POST /search, so read-only keys can search too.")
  )
  .add(
    HttpApiEndpoint.get("similar", "/leads/:id/similar")
      .setPath(LeadPath)
      .setUrlParams(SimilarParams)
      .addSuccess(listOf(SimilarLead))
      .annotate(OpenApi.Summary, "Find similar leads")
  )
  .middleware(Authentication)
  .prefix("/api/v1")
  .annotate(
    OpenApi.Description,
    "Knowledge base and semantic search. Needs a vector index (pgvector or QDRANT_URL); without one these answer 503."
  ) {}
