import { Args, Command, Options } from "@effect/cli"
import * as Runtime from "@leadforge/adapters/runtime"
import { runResearchWorker } from "@leadforge/adapters/worker"
import {
  cancelResearch,
  type EnrichCompanyResult,
  type FindContactsResult,
  getResearch,
  isResearchFinished,
  LanguageModel,
  listResearch,
  type QueryResult,
  type ResearchTask,
  ResearchTaskId,
  type ResearchTaskStatus,
  submitResearch,
  waitForResearch
} from "@leadforge/domain"
import { Duration, Effect, Option } from "effect"
import { CommandFailed, contextFor, emit, json, org, UsageError } from "./shared.js"

/** What an AI command prints when no model is configured (exit 1). */
export const MODEL_NOT_CONFIGURED =
  "no language model is configured: set GROQ_API_KEY to a Groq API key (optionally GROQ_MODEL and GROQ_BASE_URL) " +
  "to use research, enrichment and the worker"

/**
 * Runs `effect` with the Groq model from GROQ_* variables, failing first (before opening the database) with a
 * message naming GROQ_API_KEY when none is configured.
 */
export const withModel = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const health = yield* (yield* LanguageModel).health
    if (health.status === "not_configured") return yield* new CommandFailed({ message: MODEL_NOT_CONFIGURED })
    return yield* effect
  }).pipe(Effect.provide(Runtime.languageModel))

/** Every repository on the runtime's database, for effects that also need the LanguageModel. */
export const withStore = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.provide(effect, Runtime.persistence)

/** The website fetcher, page extractor and crawl limits from the WEB_* settings, for crawl_website tasks. */
export const withWeb = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.provide(effect, Runtime.web)

/** Domain failures as messages naming the field (usage error) or the missing entity (failure). */
export const explainFailures = <A, E, R>(
  effect: Effect.Effect<A, E, R>
): Effect.Effect<A, E | UsageError | CommandFailed, R> =>
  Effect.catchAll(effect, (error: E): Effect.Effect<never, E | UsageError | CommandFailed> => {
    const tag = typeof error === "object" && error !== null && "_tag" in error ? String(error._tag) : ""
    if (tag === "ValidationFailed") {
      const issues = (error as { issues: ReadonlyArray<{ field: string; message: string }> }).issues
      return Effect.fail(
        new UsageError({ message: `invalid request: ${issues.map((i) => `${i.field} ${i.message}`).join("; ")}` })
      )
    }
    if (tag === "LeadNotFound" || tag === "EntityNotFound" || tag === "LanguageModelNotConfigured") {
      return Effect.fail(new CommandFailed({ message: (error as Error).message }))
    }
    return Effect.fail(error)
  })

const taskId = Args.text({ name: "task-id" }).pipe(
  Args.withSchema(ResearchTaskId),
  Args.withDescription("The task's id (a UUID, as printed by `research run` or `research list`)")
)

const kinds = ["find_contacts", "enrich_company", "query"] as const
const statuses = ["queued", "running", "succeeded", "failed", "cancelled"] as const

const taskLine = (task: ResearchTask) =>
  [
    task.id,
    task.status.padEnd(9),
    task.kind.padEnd(14),
    `attempt ${task.attempts}/${task.maxAttempts}`,
    task.createdAt.toISOString()
  ].join("  ")

/** The task and, when finished, its result or error, as text. */
export const describeTask = (task: ResearchTask): Array<string> => {
  const lines = [taskLine(task)]
  if (task.error !== null) lines.push(`error: ${task.error}`)
  if (task.status !== "succeeded" || task.result === null) return lines
  const result = task.result as FindContactsResult | EnrichCompanyResult | QueryResult
  switch (result.kind) {
    case "query":
      lines.push(result.answer)
      break
    case "find_contacts":
      lines.push(
        `added ${result.added.length}, duplicates ${result.duplicates.length}, rejected ${result.rejected.length}`,
        ...result.added.map((a) => `  + ${a.contactId}  ${a.name}  ${a.email ?? "(no email)"}  ${a.emailStatus}`),
        ...result.duplicates.map((d) => `  = ${d.proposal.fullName ?? d.proposal.email ?? "(unnamed)"}: ${d.reason}`),
        ...result.rejected.map(
          (r) =>
            `  - ${r.proposal.fullName ?? r.proposal.email ?? "(unnamed)"}: ${r.issues.map((i) => `${i.field} ${i.message}`).join("; ")}`
        )
      )
      break
    case "enrich_company":
      lines.push(
        `lead ${result.leadId} now scores ${result.leadScore}`,
        ...result.claims.map(
          (c) =>
            `  ${c.field}: ${JSON.stringify(c.value)} (confidence ${c.confidence}${c.lowConfidence ? ", no evidence" : ""}${c.applied ? "" : ", not applied"})`
        )
      )
      break
  }
  return lines
}

const run = Command.make(
  "run",
  {
    json,
    org,
    kind: Options.choice("kind", kinds).pipe(
      Options.withDescription("find_contacts (needs --lead), enrich_company (needs --lead) or query (needs --query)")
    ),
    lead: Options.text("lead").pipe(Options.withDescription("The lead's id"), Options.optional),
    query: Options.text("query").pipe(Options.withDescription("The question, for --kind query"), Options.optional),
    instructions: Options.text("instructions").pipe(
      Options.withDescription('find_contacts: guidance such as "engineering leadership"'),
      Options.optional
    ),
    limit: Options.integer("limit").pipe(
      Options.withDescription("find_contacts: at most this many people (1-50, default 10)"),
      Options.optional
    ),
    wait: Options.boolean("wait").pipe(
      Options.withDescription("Run the task in this process and print its result (other workers may take it too)")
    ),
    timeout: Options.integer("timeout").pipe(
      Options.withDescription("With --wait: give up waiting after this many seconds (default 120)"),
      Options.withDefault(120)
    )
  },
  (args) =>
    Effect.gen(function* () {
      const ctx = yield* contextFor(args.org)
      const input: Record<string, unknown> = { kind: args.kind }
      if (Option.isSome(args.lead)) input.leadId = args.lead.value
      if (Option.isSome(args.query)) input.query = args.query.value
      if (Option.isSome(args.instructions)) input.instructions = args.instructions.value
      if (Option.isSome(args.limit)) input.limit = args.limit.value
      const task = yield* submitResearch(ctx, input)
      if (!args.wait) {
        return yield* emit(args.json, task, () => [
          taskLine(task),
          `queued; a worker (\`leadforge worker\` or \`leadforge serve\`) runs it. Check with \`leadforge research status ${task.id}\``
        ])
      }
      if (args.timeout < 1) return yield* new UsageError({ message: "--timeout must be at least 1 second" })
      const done = yield* Effect.scoped(
        Effect.gen(function* () {
          yield* Effect.forkScoped(runResearchWorker({ poll: "100 millis" }))
          return yield* waitForResearch(ctx, task.id, { timeout: Duration.seconds(args.timeout) })
        })
      )
      yield* emit(args.json, done, () => describeTask(done))
      if (!isResearchFinished(done.status)) {
        return yield* new CommandFailed({
          message: `task ${done.id} is still ${done.status} after ${args.timeout} s; check with \`leadforge research status ${done.id}\``
        })
      }
      if (done.status !== "succeeded") {
        return yield* new CommandFailed({
          message: `task ${done.id} ${done.status}${done.error ? `: ${done.error}` : ""}`
        })
      }
    }).pipe(explainFailures, withWeb, withStore, withModel)
).pipe(Command.withDescription("Queue a research task (find_contacts, enrich_company or query); --wait runs it here"))

const status = Command.make("status", { json, org, taskId }, (args) =>
  Effect.gen(function* () {
    const task = yield* getResearch(yield* contextFor(args.org), args.taskId)
    yield* emit(args.json, task, () => describeTask(task))
  }).pipe(explainFailures, withStore)
).pipe(Command.withDescription("Show a research task: status, attempts, and its result or error"))

const list = Command.make(
  "list",
  {
    json,
    org,
    status: Options.choice("status", statuses).pipe(
      Options.withDescription("Only tasks in this status"),
      Options.optional
    ),
    limit: Options.integer("limit").pipe(
      Options.withDescription("How many tasks to print (1-200)"),
      Options.withDefault(50)
    ),
    cursor: Options.text("cursor").pipe(
      Options.withDescription("Continue after the previous page (printed as `next: --cursor …`)"),
      Options.optional
    )
  },
  (args) =>
    Effect.gen(function* () {
      if (args.limit < 1 || args.limit > 200) return yield* new UsageError({ message: "--limit must be from 1 to 200" })
      const query: { status?: ResearchTaskStatus; limit: number; cursor?: string } = { limit: args.limit }
      if (Option.isSome(args.status)) query.status = args.status.value
      if (Option.isSome(args.cursor)) query.cursor = args.cursor.value
      const page = yield* listResearch(yield* contextFor(args.org), query)
      if (!args.json && page.items.length === 0) yield* emit(false, null, () => "no research tasks")
      for (const task of page.items) yield* emit(args.json, task, () => taskLine(task))
      if (!args.json && page.nextCursor !== null) yield* emit(false, null, () => `next: --cursor ${page.nextCursor}`)
    }).pipe(explainFailures, withStore)
).pipe(Command.withDescription("List research tasks, newest first (--status, --limit, --cursor)"))

const cancel = Command.make("cancel", { json, org, taskId }, (args) =>
  Effect.gen(function* () {
    const task = yield* cancelResearch(yield* contextFor(args.org), args.taskId)
    yield* emit(args.json, task, () => taskLine(task))
  }).pipe(explainFailures, withStore)
).pipe(Command.withDescription("Cancel a queued or running task (a finished one is left as it is)"))

export const researchCommand = Command.make("research", {}, () =>
  Effect.fail(
    new UsageError({ message: "missing subcommand: run, status, list, cancel (see `leadforge research --help`)" })
  )
).pipe(
  Command.withDescription("Background research tasks run by workers: find contacts, enrich a company, answer a query"),
  Command.withSubcommands([run, status, list, cancel])
)
