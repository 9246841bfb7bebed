import { readFile } from "node:fs/promises"
import { Command, Options } from "@effect/cli"
import * as Runtime from "@leadforge/adapters/runtime"
import {
  AuditCheckpoint,
  type AuditEntityType,
  AuditEntityType as AuditEntityTypeSchema,
  AuditLog,
  type ChainBreak,
  issueAuditCheckpoint,
  verifyAuditTrail,
  verifyAuditTrailAgainst
} from "@leadforge/domain"
import { Effect, Option, ParseResult, Schema } from "effect"
import { CommandFailed, contextFor, emit, json, org, UsageError } from "./shared.js"

const entityTypes = AuditEntityTypeSchema.literals

const list = Command.make(
  "list",
  {
    json,
    org,
    entityType: Options.choice("entity-type", entityTypes).pipe(
      Options.withDescription("Only events about this kind of entity"),
      Options.optional
    ),
    entityId: Options.text("entity-id").pipe(
      Options.withDescription("Only events about this entity"),
      Options.optional
    ),
    limit: Options.integer("limit").pipe(Options.withDescription("How many events (1-500)"), Options.withDefault(100))
  },
  (args) =>
    Effect.gen(function* () {
      const ctx = yield* contextFor(args.org)
      const query: { entityType?: AuditEntityType; entityId?: string; limit: number } = { limit: args.limit }
      if (Option.isSome(args.entityType)) query.entityType = args.entityType.value
      if (Option.isSome(args.entityId)) query.entityId = args.entityId.value
      const page = yield* (yield* AuditLog).list(ctx.organizationId, query)
      if (!args.json && page.items.length === 0) yield* emit(false, null, () => "no audit events")
      for (const event of page.items) {
        yield* emit(args.json, event, () =>
          [
            String(event.sequence).padStart(6),
            event.at.toISOString(),
            `${event.actor.type}:${event.actor.id}`,
            event.action,
            `${event.entityType}/${event.entityId}`,
            JSON.stringify(event.details)
          ].join("  ")
        )
      }
    }).pipe(Effect.provide(Runtime.persistence))
).pipe(Command.withDescription("List audit events, oldest first"))

/** The checkpoint in FILE, decoded; a file that is missing or is not a checkpoint fails naming the file. */
const readCheckpoint = (file: string) =>
  Effect.tryPromise({
    try: () => readFile(file, "utf8"),
    catch: (error) =>
      new CommandFailed({
        message: `cannot read ${file}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : String((error as Error).message)}`
      })
  }).pipe(
    Effect.flatMap((text) =>
      Effect.try({
        try: (): unknown => JSON.parse(text),
        catch: () => new CommandFailed({ message: `${file} is not JSON: expected an audit checkpoint` })
      })
    ),
    Effect.flatMap(Schema.decodeUnknown(AuditCheckpoint, { errors: "all" })),
    Effect.catchTag("ParseError", (error) =>
      Effect.fail(
        new CommandFailed({
          message: `${file} is not an audit checkpoint: ${ParseResult.ArrayFormatter.formatErrorSync(error)
            .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`)
            .join("; ")}`
        })
      )
    )
  )

const describeBreak = (result: ChainBreak) =>
  `${result.kind === "truncated" ? "TRUNCATED" : result.kind === "rewritten" ? "REWRITTEN" : "BROKEN"} at sequence ${result.sequence}${result.eventId === null ? "" : ` (event ${result.eventId})`}: ${result.reason}`

const verify = Command.make(
  "verify",
  {
    json,
    org,
    checkpoint: Options.text("checkpoint").pipe(
      Options.withDescription(
        "A checkpoint saved from `audit checkpoint`: also detect events deleted from the end or a rewritten chain"
      ),
      Options.optional
    )
  },
  (args) =>
    Effect.gen(function* () {
      const ctx = yield* contextFor(args.org)
      const result = Option.isSome(args.checkpoint)
        ? yield* verifyAuditTrailAgainst(ctx.organizationId, yield* readCheckpoint(args.checkpoint.value)).pipe(
            Effect.provide(Runtime.auditCheckpointKey)
          )
        : yield* verifyAuditTrail(ctx.organizationId)
      yield* emit(args.json, { organizationId: ctx.organizationId, ...result }, () =>
        result.valid
          ? `audit chain intact: ${result.length} events${result.checkpointSequence === undefined ? "" : ` (matches the checkpoint at sequence ${result.checkpointSequence})`}`
          : `audit chain ${describeBreak(result)}`
      )
      if (!result.valid) {
        return yield* new CommandFailed({
          message: `the audit chain is ${result.kind === "link" ? "broken" : result.kind} at sequence ${result.sequence}${result.eventId === null ? "" : ` (event ${result.eventId})`}`
        })
      }
    }).pipe(Effect.provide(Runtime.persistence))
).pipe(
  Command.withDescription(
    "Recompute every hash of the audit chain (and hold it to a checkpoint with --checkpoint); exit 1 if it was tampered with"
  )
)

const checkpoint = Command.make("checkpoint", { json, org }, (args) =>
  Effect.gen(function* () {
    const ctx = yield* contextFor(args.org)
    const signed = yield* issueAuditCheckpoint(ctx.organizationId)
    const encoded = Schema.encodeSync(AuditCheckpoint)(signed)
    // Text mode is the checkpoint too (indented), so either output can be saved and given to --checkpoint.
    yield* emit(args.json, encoded, () => JSON.stringify(encoded, null, 2))
  }).pipe(Effect.provide(Runtime.auditCheckpointKey), Effect.provide(Runtime.persistence))
).pipe(
  Command.withDescription(
    "Print the audit chain's head signed with AUDIT_CHECKPOINT_KEY, as JSON: keep it outside the database for `audit verify --checkpoint`"
  )
)

export const auditCommand = Command.make("audit", {}, () =>
  Effect.fail(
    new UsageError({ message: "missing subcommand: list, verify, checkpoint (see `leadforge audit --help`)" })
  )
).pipe(
  Command.withDescription("Read and verify the tamper-evident audit trail"),
  Command.withSubcommands([list, verify, checkpoint])
)
