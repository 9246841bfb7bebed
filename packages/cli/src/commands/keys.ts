import { Args, Command, Options } from "@effect/cli"
import * as Runtime from "@leadforge/adapters/runtime"
import { ApiKeyId, issueApiKey, listApiKeys, Role, revokeApiKey } from "@leadforge/domain"
import { Effect, Redacted } from "effect"
import { CommandFailed, contextFor, emit, json, org, UsageError } from "./shared.js"

const create = Command.make(
  "create",
  {
    json,
    org,
    name: Options.text("name").pipe(Options.withDescription("A label for the key, e.g. the integration using it")),
    role: Options.choice("role", Role.literals).pipe(
      Options.withDescription("What the key may do"),
      Options.withDefault("member" as const)
    )
  },
  (args) =>
    Effect.gen(function* () {
      const ctx = yield* contextFor(args.org)
      // the same use case as the HTTP API: one key format, one audit event
      const issued = yield* issueApiKey(ctx, { name: args.name, role: args.role })
      const stored = issued.record
      const key = Redacted.value(issued.key)
      yield* emit(
        args.json,
        { id: stored.id, name: stored.name, role: stored.role, prefix: stored.prefix, key },
        () => [
          `created key ${stored.id} (${stored.role}) "${stored.name}"`,
          key,
          "Store it now: only its hash is kept, it cannot be shown again."
        ]
      )
    }).pipe(Effect.provide(Runtime.persistence))
).pipe(Command.withDescription("Create an API key for the HTTP API; the key is printed once"))

const list = Command.make("list", { json, org }, (args) =>
  Effect.gen(function* () {
    const ctx = yield* contextFor(args.org)
    const keys = yield* listApiKeys(ctx)
    if (!args.json && keys.length === 0) yield* emit(false, null, () => "no API keys")
    for (const key of keys) {
      const { hash: _hash, ...shown } = key
      yield* emit(args.json, shown, () =>
        [
          key.id,
          `${key.prefix}…`,
          key.role.padEnd(6),
          key.revokedAt === null ? "active " : "revoked",
          `created ${key.createdAt.toISOString()}`,
          key.lastUsedAt === null ? "never used" : `last used ${key.lastUsedAt.toISOString()}`,
          key.name
        ].join("  ")
      )
    }
  }).pipe(Effect.provide(Runtime.persistence))
).pipe(Command.withDescription("List API keys (prefix, role, state; never the key or its hash)"))

const revoke = Command.make(
  "revoke",
  {
    json,
    org,
    keyId: Args.text({ name: "key-id" }).pipe(Args.withSchema(ApiKeyId), Args.withDescription("The key's id"))
  },
  (args) =>
    Effect.gen(function* () {
      const ctx = yield* contextFor(args.org)
      yield* revokeApiKey(ctx, args.keyId).pipe(
        Effect.catchTag("EntityNotFound", () =>
          Effect.fail(new CommandFailed({ message: `no active API key with id ${args.keyId}` }))
        )
      )
      yield* emit(args.json, { id: args.keyId, revoked: true }, () => `revoked ${args.keyId}`)
    }).pipe(Effect.provide(Runtime.persistence))
).pipe(Command.withDescription("Revoke an API key; requests using it are refused from then on"))

export const keysCommand = Command.make("keys", {}, () =>
  Effect.fail(new UsageError({ message: "missing subcommand: create, list, revoke (see `leadforge keys --help`)" }))
).pipe(Command.withDescription("Manage API keys for the HTTP API"), Command.withSubcommands([create, list, revoke]))
