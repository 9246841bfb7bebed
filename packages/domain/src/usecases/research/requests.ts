import { Either, Schema } from "effect"
import { toFieldIssues, ValidationFailed } from "../../errors.js"
import { Actor } from "../../model/common.js"
import { LeadId } from "../../model/ids.js"

/** How often a task is tried before it is marked failed, unless the request says otherwise. */
export const DEFAULT_RESEARCH_MAX_ATTEMPTS = 3
/** How many people find_contacts asks for, unless the request says otherwise. */
export const DEFAULT_CONTACT_PROPOSALS = 10

const common = {
  /** 1-10 attempts before the task is marked failed. */
  maxAttempts: Schema.optional(
    Schema.Int.pipe(Schema.between(1, 10, { message: () => "must be an integer from 1 to 10" }))
  )
}

export const FindContactsRequest = Schema.Struct({
  kind: Schema.Literal("find_contacts"),
  leadId: LeadId,
  /** At most this many proposals are considered (1-50). */
  limit: Schema.optional(Schema.Int.pipe(Schema.between(1, 50, { message: () => "must be an integer from 1 to 50" }))),
  /** Extra guidance for the model, such as "engineering leadership". */
  instructions: Schema.optional(
    Schema.Trim.pipe(Schema.maxLength(2_000, { message: () => "must be at most 2000 characters" }))
  ),
  ...common
})

export const EnrichCompanyRequest = Schema.Struct({
  kind: Schema.Literal("enrich_company"),
  leadId: LeadId,
  /** Read the lead's website first (as crawl_website does), so the enrichment can cite its pages. */
  crawl: Schema.optional(Schema.Boolean),
  ...common
})

/** Read the lead's public website into data sources and knowledge documents. */
export const CrawlWebsiteRequest = Schema.Struct({
  kind: Schema.Literal("crawl_website"),
  leadId: LeadId,
  ...common
})

export const QueryRequest = Schema.Struct({
  kind: Schema.Literal("query"),
  query: Schema.Trim.pipe(
    Schema.minLength(1, { message: () => "must not be empty" }),
    Schema.maxLength(4_000, { message: () => "must be at most 4000 characters" })
  ),
  /** Optional lead the question is about; its company is given to the model as context. */
  leadId: Schema.optional(LeadId),
  ...common
})

/** What a client may submit: `kind` picks the shape. */
export const ResearchRequest = Schema.Union(
  FindContactsRequest,
  EnrichCompanyRequest,
  QueryRequest,
  CrawlWebsiteRequest
)
export type ResearchRequest = typeof ResearchRequest.Type

/** What a task stores as its input: the request and who asked. */
export const StoredInput = Schema.extend(
  ResearchRequest,
  Schema.Struct({ requestedBy: Schema.optional(Schema.Struct({ type: Actor.fields.type, id: Schema.String })) })
)

/** Decodes a raw research request, naming every failing field. */
export const decodeResearchRequest = (input: unknown): Either.Either<ResearchRequest, ValidationFailed> =>
  Schema.decodeUnknownEither(ResearchRequest, { errors: "all", onExcessProperty: "error" })(input).pipe(
    Either.mapLeft((error) => new ValidationFailed({ entity: "research_task", issues: toFieldIssues(error) }))
  )
