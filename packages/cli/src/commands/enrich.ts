import { Args, Command, Options } from "@effect/cli"
import { crawlWebsite, type EnrichmentResult, enrichLead, LeadId, newId } from "@leadforge/domain"
import { Effect } from "effect"
import { withLeadIndex } from "./knowledge.js"
import { explainFailures, withModel, withStore, withWeb } from "./research.js"
import { CommandFailed, contextFor, emit, json, org } from "./shared.js"

const leadIds = Args.text({ name: "lead-id" }).pipe(
  Args.withSchema(LeadId),
  Args.withDescription("The leads' ids (UUIDs, as printed by `leads list`)"),
  Args.atLeast(1)
)

const lines = (result: EnrichmentResult) => [
  `${result.lead.id}  ${result.lead.companyName}  score ${result.lead.leadScore} (${result.lead.grade})`,
  ...result.claims.map(
    (c) =>
      `  ${c.field}: ${JSON.stringify(c.value)} (confidence ${c.confidence}${c.lowConfidence ? ", no evidence: low confidence" : ""}${c.applied ? "" : ", not applied: kept the existing value"})`
  )
]

/** `leads enrich ID…`: each lead in turn; a lead that fails is reported and the rest still run. */
const crawl = Options.boolean("crawl").pipe(
  Options.withDescription(
    "Read each lead's website first (as `leads crawl` does), so the enrichment can cite its pages"
  )
)

export const enrichCommand = Command.make("enrich", { json, org, leadIds, crawl }, (args) =>
  Effect.gen(function* () {
    const ctx = yield* contextFor(args.org)
    let failed = 0
    for (const id of args.leadIds) {
      const crawled = args.crawl ? Effect.asVoid(crawlWebsite(ctx, id, `cli-${newId()}`)) : Effect.void
      const outcome = yield* Effect.zipRight(crawled, enrichLead(ctx, id)).pipe(explainFailures, Effect.either)
      if (outcome._tag === "Left") {
        failed++
        const error = outcome.left as { message?: unknown }
        yield* Effect.sync(() => process.stderr.write(`${id}: ${String(error.message ?? error)}\n`))
        continue
      }
      const result = outcome.right
      yield* emit(
        args.json,
        {
          leadId: result.lead.id,
          lead: result.lead,
          claims: result.claims,
          lowConfidence: result.claims.filter((c) => c.lowConfidence).map((c) => c.field),
          evidence: result.evidence,
          sourceId: result.sourceId,
          usage: result.usage
        },
        () => lines(result)
      )
    }
    if (failed > 0) {
      return yield* new CommandFailed({ message: `${failed} of ${args.leadIds.length} lead(s) could not be enriched` })
    }
  }).pipe(withLeadIndex, withWeb, withStore, withModel)
).pipe(
  Command.withDescription(
    "Enrich leads with the language model (industry, size, funding, location, summary, AI-adoption score), citing evidence; user-entered values are kept. Needs GROQ_API_KEY"
  )
)
