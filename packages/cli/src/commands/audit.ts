import { Command, Options } from "@effect/cli"
import * as Runtime from "@leadforge/adapters/runtime"
import {
  type AuditEntityType,
  AuditEntityType as AuditEntityTypeSchema,
  AuditLog,
  verifyAuditChain
} from "@leadforge/domain"
import { Effect, Option } from "effect"
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

const verify = Command.make("verify", { json, org }, (args) =>
  Effect.gen(function* () {
    const ctx = yield* contextFor(args.org)
    const chain = yield* (yield* AuditLog).chain(ctx.organizationId)
    const result = verifyAuditChain(chain)
    yield* emit(args.json, { organizationId: ctx.organizationId, ...result }, () =>
      result.valid
        ? `audit chain intact: ${result.length} events`
        : `audit chain BROKEN at event ${result.brokenAt}: ${result.reason}`
    )
    if (!result.valid) {
      return yield* new CommandFailed({ message: `the audit chain is broken at event ${result.brokenAt}` })
    }
  }).pipe(Effect.provide(Runtime.persistence))
).pipe(Command.withDescription("Recompute every hash of the audit chain; exit 1 if it was tampered with"))

export const auditCommand = Command.make("audit", {}, () =>
  Effect.fail(new UsageError({ message: "missing subcommand: list, verify (see `leadforge audit --help`)" }))
).pipe(
  Command.withDescription("Read and verify the tamper-evident audit trail"),
  Command.withSubcommands([list, verify])
)
