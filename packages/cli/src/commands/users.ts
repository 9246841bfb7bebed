import { Args, Command, Options } from "@effect/cli"
import * as Runtime from "@leadforge/adapters/runtime"
import {
  createUser,
  findMemberByEmail,
  inviteMember,
  issuePasswordReset,
  listMembers,
  Role,
  removeMember,
  setMemberRole,
  unlockUser
} from "@leadforge/domain"
import { Effect, Layer, Redacted } from "effect"
import { CommandFailed, contextFor, emit, json, org, UsageError } from "./shared.js"

/** The console's address, for the links this prints (the token travels in the fragment). */
const baseUrl = Options.text("base-url").pipe(
  Options.withDescription("The server's public address, for the printed link"),
  Options.withDefault("http://localhost:3000")
)

const email = Args.text({ name: "email" }).pipe(Args.withDescription("The person's email"))
const role = Options.choice("role", Role.literals).pipe(Options.withDescription("Their role in the organization"))

/** What these commands need: the database, and the password hasher for those that set a password. */
const services = Layer.merge(Runtime.persistence, Runtime.passwordHasher)

/** Domain failures as messages (an unknown member, the last admin, a taken email, a rejected password). */
const failures = <A, E extends { readonly _tag: string; readonly message: string }, R>(
  effect: Effect.Effect<A, E, R>
) =>
  Effect.catchIf(
    effect,
    (e): e is E => ["EntityNotFound", "LastAdmin", "UniqueConflict", "ValidationFailed"].includes(e._tag),
    (e) => Effect.fail(new CommandFailed({ message: e.message }))
  )

/** The password, read from standard input (one line), so it never appears in the shell's history or `ps`. */
const passwordFromStdin = Effect.promise(async () => {
  const chunks: Array<Buffer> = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Redacted.make(
    Buffer.concat(chunks)
      .toString("utf8")
      .replace(/\r?\n$/, "")
  )
})

const create = Command.make(
  "create",
  {
    json,
    org,
    email,
    name: Options.text("name").pipe(Options.withDescription("The display name")),
    role: role.pipe(Options.withDefault("member" as const))
  },
  (args) =>
    Effect.gen(function* () {
      const ctx = yield* contextFor(args.org)
      const password = yield* passwordFromStdin
      const { user, membership } = yield* createUser(ctx, {
        email: args.email,
        name: args.name,
        password,
        role: args.role
      }).pipe(failures)
      yield* emit(
        args.json,
        { id: user.id, email: user.email, name: user.name, role: membership.role },
        () => `created ${user.email} (${membership.role}) ${user.id}`
      )
    }).pipe(Effect.provide(services))
).pipe(Command.withDescription("Create a person with a password read from standard input (e.g. a pipe)"))

const invite = Command.make(
  "invite",
  { json, org, email, role: role.pipe(Options.withDefault("member" as const)), baseUrl },
  (args) =>
    Effect.gen(function* () {
      const ctx = yield* contextFor(args.org)
      const { link, token } = yield* inviteMember(ctx, { email: args.email, role: args.role }).pipe(failures)
      const secret = Redacted.value(token)
      const url = `${args.baseUrl.replace(/\/$/, "")}/invitation#${secret}`
      yield* emit(
        args.json,
        { id: link.id, email: link.email, role: link.role, expiresAt: link.expiresAt, token: secret, link: url },
        () => [
          `invited ${link.email} as ${link.role}; valid until ${link.expiresAt.toISOString()}, once:`,
          url,
          "Pass it on: it is shown only now (accept with POST /api/v1/invitations/accept and the token)."
        ]
      )
    }).pipe(Effect.provide(services))
).pipe(Command.withDescription("Invite an email with a role: prints a one-time link valid 48 hours"))

const list = Command.make("list", { json, org }, (args) =>
  Effect.gen(function* () {
    const ctx = yield* contextFor(args.org)
    const members = yield* listMembers(ctx)
    if (!args.json && members.length === 0) yield* emit(false, null, () => "no members")
    const now = new Date()
    for (const { user, membership } of members) {
      const locked = user.isLockedAt(now)
      yield* emit(
        args.json,
        {
          id: user.id,
          email: user.email,
          name: user.name,
          role: membership.role,
          joinedAt: membership.createdAt,
          locked
        },
        () => [user.id, membership.role.padEnd(6), user.email, user.name, locked ? "locked" : ""].join("  ").trimEnd()
      )
    }
  }).pipe(Effect.provide(services))
).pipe(Command.withDescription("List the organization's members and their roles"))

const setRole = Command.make(
  "set-role",
  {
    json,
    org,
    email,
    role: Args.choice(
      Role.literals.map((r) => [r, r] as const),
      { name: "role" }
    )
  },
  (args) =>
    Effect.gen(function* () {
      const ctx = yield* contextFor(args.org)
      const { user } = yield* findMemberByEmail(ctx, args.email).pipe(failures)
      const membership = yield* setMemberRole(ctx, user.id, args.role).pipe(failures)
      yield* emit(
        args.json,
        { id: user.id, email: user.email, role: membership.role },
        () => `${user.email} is now ${membership.role}`
      )
    }).pipe(Effect.provide(services))
).pipe(Command.withDescription("Change a member's role (an organization keeps at least one admin)"))

const remove = Command.make("remove", { json, org, email }, (args) =>
  Effect.gen(function* () {
    const ctx = yield* contextFor(args.org)
    const { user } = yield* findMemberByEmail(ctx, args.email).pipe(failures)
    yield* removeMember(ctx, user.id).pipe(failures)
    yield* emit(
      args.json,
      { id: user.id, email: user.email, removed: true },
      () => `removed ${user.email}; their sessions here ended`
    )
  }).pipe(Effect.provide(services))
).pipe(Command.withDescription("Remove a member from the organization and end their sessions there"))

const resetPassword = Command.make("reset-password", { json, org, email, baseUrl }, (args) =>
  Effect.gen(function* () {
    const ctx = yield* contextFor(args.org)
    const { link, token, user } = yield* issuePasswordReset(ctx, args.email).pipe(failures)
    const secret = Redacted.value(token)
    const url = `${args.baseUrl.replace(/\/$/, "")}/reset-password#${secret}`
    yield* emit(args.json, { userId: user.id, expiresAt: link.expiresAt, token: secret, link: url }, () => [
      `password reset for ${user.email}; valid until ${link.expiresAt.toISOString()}, once:`,
      url,
      "Using it (POST /api/v1/auth/password-reset) ends the user's other sessions."
    ])
  }).pipe(Effect.provide(services))
).pipe(Command.withDescription("Print a one-time password reset link (24 hours) for a member"))

const unlock = Command.make("unlock", { json, org, email }, (args) =>
  Effect.gen(function* () {
    const ctx = yield* contextFor(args.org)
    const { user } = yield* findMemberByEmail(ctx, args.email).pipe(failures)
    yield* unlockUser(ctx, user.id).pipe(failures)
    yield* emit(args.json, { id: user.id, email: user.email, unlocked: true }, () => `unlocked ${user.email}`)
  }).pipe(Effect.provide(services))
).pipe(Command.withDescription("Lift a member's sign-in lock after repeated failures"))

export const usersCommand = Command.make("users", {}, () =>
  Effect.fail(
    new UsageError({
      message:
        "missing subcommand: create, invite, list, set-role, remove, reset-password, unlock (see `leadforge users --help`)"
    })
  )
).pipe(
  Command.withDescription("Manage the people of an organization"),
  Command.withSubcommands([create, invite, list, setRole, remove, resetPassword, unlock])
)
