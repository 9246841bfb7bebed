import { Args, Command } from "@effect/cli"
import * as Runtime from "@leadforge/adapters/runtime"
import { createOrganization, inviteMember, listOrganizations } from "@leadforge/domain"
import { Effect, Redacted } from "effect"
import { cliActor, emit, json, UsageError } from "./shared.js"

const create = Command.make(
  "create",
  { json, name: Args.text({ name: "name" }).pipe(Args.withDescription("The organization's name")) },
  (args) =>
    Effect.gen(function* () {
      const organization = yield* createOrganization(args.name, cliActor)
      const { link, token } = yield* inviteMember(
        { organizationId: organization.id, actor: cliActor },
        { email: null, role: "admin" }
      )
      const secret = Redacted.value(token)
      yield* emit(
        args.json,
        { id: organization.id, name: organization.name, adminInvitation: secret, expiresAt: link.expiresAt },
        () => [
          `created organization ${organization.id} "${organization.name}"`,
          `Invitation for its first admin (48 hours, once): ${secret}`
        ]
      )
    }).pipe(Effect.provide(Runtime.persistence))
).pipe(Command.withDescription("Create an organization and print an invitation for its first admin"))

const list = Command.make("list", { json }, (args) =>
  Effect.gen(function* () {
    for (const organization of yield* listOrganizations()) {
      yield* emit(
        args.json,
        { id: organization.id, name: organization.name, createdAt: organization.createdAt },
        () => `${organization.id}  ${organization.name}`
      )
    }
  }).pipe(Effect.provide(Runtime.persistence))
).pipe(Command.withDescription("List the organizations"))

export const orgsCommand = Command.make("orgs", {}, () =>
  Effect.fail(new UsageError({ message: "missing subcommand: create, list (see `leadforge orgs --help`)" }))
).pipe(Command.withDescription("Manage organizations"), Command.withSubcommands([create, list]))
