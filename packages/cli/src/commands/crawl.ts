import { Args, Command } from "@effect/cli"
import { type CrawlWebsiteResult, crawlWebsite, LeadId, newId } from "@leadforge/domain"
import { Effect } from "effect"
import { withLeadIndex } from "./knowledge.js"
import { explainFailures, withStore, withWeb } from "./research.js"
import { CommandFailed, contextFor, emit, json, org } from "./shared.js"

const leadIds = Args.text({ name: "lead-id" }).pipe(
  Args.withSchema(LeadId),
  Args.withDescription("The leads' ids (UUIDs, as printed by `leads list`)"),
  Args.atLeast(1)
)

const lines = (result: CrawlWebsiteResult) => [
  `${result.leadId}  ${result.home}`,
  ...result.pages.map(
    (page) =>
      `  ${page.outcome.padEnd(12)} ${page.url}${page.reason === undefined ? "" : `  ${page.reason}${page.status === undefined ? "" : ` (${page.status})`}`}`
  ),
  `  contacts: ${result.contacts.added.length} added, ${result.contacts.duplicates} duplicates, ${result.contacts.rejected} rejected`
]

/**
 * `leads crawl ID…`: reads each lead's website now, in this process (no worker, no language model), into website
 * data sources and knowledge documents; a lead whose home page cannot be read is reported and the rest still run.
 */
export const crawlCommand = Command.make("crawl", { json, org, leadIds }, (args) =>
  Effect.gen(function* () {
    const ctx = yield* contextFor(args.org)
    let failed = 0
    for (const id of args.leadIds) {
      const outcome = yield* crawlWebsite(ctx, id, `cli-${newId()}`).pipe(explainFailures, Effect.either)
      if (outcome._tag === "Left") {
        failed++
        const error = outcome.left as { message?: unknown }
        yield* Effect.sync(() => process.stderr.write(`${id}: ${String(error.message ?? error)}\n`))
        continue
      }
      yield* emit(args.json, outcome.right, () => lines(outcome.right))
    }
    if (failed > 0) {
      return yield* new CommandFailed({ message: `${failed} of ${args.leadIds.length} lead(s) could not be crawled` })
    }
  }).pipe(withLeadIndex, withWeb, withStore)
).pipe(
  Command.withDescription(
    "Read leads' public websites (home page, sitemap.xml, about/team/contact/… pages; robots.txt obeyed, public addresses only) into website sources and knowledge documents"
  )
)
