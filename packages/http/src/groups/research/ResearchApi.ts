import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { DataSource, LeadId, ResearchTask, ResearchTaskId, ResearchTaskStatus } from "@leadforge/domain"
import { Duration, Schema } from "effect"
import { NEEDS_MODEL } from "../../contract/descriptions.js"
import { Authentication } from "../../contract/Security.js"
import { Cursor, Limit, pageOf, reportAllStrict } from "../../contract/schemas.js"

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
  kind: Schema.String.annotations({ description: "find_contacts, enrich_company, query or crawl_website" }),
  leadId: Schema.optional(Schema.String).annotations({
    description: "The lead (required for find_contacts, enrich_company and crawl_website)"
  }),
  crawl: Schema.optional(Schema.Boolean).annotations({
    description: "enrich_company: read the lead's website first, so the enrichment can cite its pages"
  }),
  query: Schema.optional(Schema.String).annotations({ description: "The question (kind query)" }),
  instructions: Schema.optional(Schema.String).annotations({
    description: 'find_contacts: guidance such as "engineering leadership"'
  }),
  limit: Schema.optional(Schema.Number).annotations({ description: "find_contacts: at most this many people (1-50)" }),
  maxAttempts: Schema.optional(Schema.Number).annotations({ description: "Tries before the task fails (1-10)" })
}).annotations(reportAllStrict)

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
}).annotations(reportAllStrict)

export const ResearchListParams = Schema.Struct({
  status: Schema.optionalWith(ResearchTaskStatus, { exact: true }),
  limit: Schema.optionalWith(Limit, { exact: true }),
  cursor: Schema.optionalWith(Cursor, { exact: true })
}).annotations(reportAllStrict)

export const ResearchPage = pageOf(ResearchTask)

const TaskPath = Schema.Struct({ id: ResearchTaskId })
const LeadPath = Schema.Struct({ id: LeadId })

export class ResearchApi extends HttpApiGroup.make("research")
  .add(
    HttpApiEndpoint.post("submit", "/research")
      .setPayload(ResearchInput)
      .addSuccess(ResearchTask, { status: 202 })
      .annotate(OpenApi.Summary, "Submit a research task")
      .annotate(OpenApi.Description, `Queues a research task; a worker runs it. ${NEEDS_MODEL}`)
  )
  .add(
    HttpApiEndpoint.post("crawl", "/leads/:id/crawl")
      .setPath(LeadPath)
      .addSuccess(ResearchTask, { status: 202 })
      .annotate(OpenApi.Summary, "Crawl a lead's website")
      .annotate(
        OpenApi.Description,
        "Queues a crawl_website task: the lead's home page, sitemap.xml and up to WEB_CRAWL_MAX_PAGES same-site " +
          "pages are read (robots.txt obeyed, public addresses only) into website data sources and knowledge " +
          "documents of the lead. The result lists every page with its outcome and, for failures, a stable reason."
      )
  )
  .add(
    HttpApiEndpoint.get("sources", "/leads/:id/sources")
      .setPath(LeadPath)
      .addSuccess(Schema.Struct({ items: Schema.Array(DataSource) }))
      .annotate(OpenApi.Summary, "List a lead's data sources")
      .annotate(
        OpenApi.Description,
        "Where the lead's facts came from, newest first: one `website` source per crawled page (URL, fetch time, " +
          "status and content hash, the extracted fields), enrichments (`llm`), imports."
      )
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
    "Durable background research: find_contacts, enrich_company, query and crawl_website tasks run by workers."
  ) {}
