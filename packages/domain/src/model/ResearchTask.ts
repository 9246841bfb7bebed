import { Schema } from "effect"
import { Timestamps } from "./common.js"
import { LeadId, OrganizationId, ResearchTaskId } from "./ids.js"

/**
 * What a task does: research with the language model, `crawl_website` (read a lead's public site), or `reindex`
 * (rebuild an organization's vector index).
 */
export const ResearchTaskKind = Schema.Literal("find_contacts", "enrich_company", "query", "crawl_website", "reindex")
export type ResearchTaskKind = typeof ResearchTaskKind.Type

/** The kinds the research worker runs (and research lists show). */
export const RESEARCH_KINDS: ReadonlyArray<ResearchTaskKind> = [
  "find_contacts",
  "enrich_company",
  "query",
  "crawl_website"
]

export const ResearchTaskStatus = Schema.Literal("queued", "running", "succeeded", "failed", "cancelled")
export type ResearchTaskStatus = typeof ResearchTaskStatus.Type

/** A durable background job: an LLM researching something, or a reindex. */
export class ResearchTask extends Schema.Class<ResearchTask>("ResearchTask")({
  id: ResearchTaskId,
  organizationId: OrganizationId,
  kind: ResearchTaskKind,
  /** The lead the task researches, if any; the task goes when the lead is deleted. */
  leadId: Schema.NullOr(LeadId),
  status: ResearchTaskStatus,
  input: Schema.Unknown,
  result: Schema.NullOr(Schema.Unknown),
  error: Schema.NullOr(Schema.String),
  attempts: Schema.Int.pipe(Schema.nonNegative()),
  maxAttempts: Schema.Int.pipe(Schema.positive()),
  runAfter: Schema.Date,
  leaseOwner: Schema.NullOr(Schema.String),
  leaseExpiresAt: Schema.NullOr(Schema.Date),
  ...Timestamps
}) {}
