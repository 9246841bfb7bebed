import { Options } from "@effect/cli"
import {
  Actor,
  type OrganizationId,
  resolveOrganization as resolveDomainOrganization,
  type UseCaseContext
} from "@leadforge/domain"
import { Data, Effect, type Option, Schema } from "effect"

/** Bad input the parser could not catch (a malformed --map, an ambiguous organization): exit code 2. */
export class UsageError extends Data.TaggedError("UsageError")<{ readonly message: string }> {}

/** A command that ran but did not fully succeed (rows rejected by an import): exit code 3. */
export class PartialSuccess extends Data.TaggedError("PartialSuccess")<{ readonly message: string }> {}

/** A command that failed for a reason the operator should read (not found, broken chain): exit code 1. */
export class CommandFailed extends Data.TaggedError("CommandFailed")<{ readonly message: string }> {}

export const json = Options.boolean("json").pipe(
  Options.withDescription("Print machine-readable NDJSON (one JSON object per line) instead of text")
)

export const org = Options.text("org").pipe(
  Options.withSchema(Schema.UUID),
  Options.withDescription(
    "Organization id to act on (default: the only organization; one is created on first use when there is none)"
  ),
  Options.optional
)

/** The CLI acts as the system actor; the audit trail shows `system:leadforge-cli`. */
export const cliActor = new Actor({ type: "system", id: "leadforge-cli" })

const writeChunk = (text: string) =>
  Effect.async<void>((resume) => {
    if (process.stdout.write(text)) resume(Effect.void)
    else process.stdout.once("drain", () => resume(Effect.void))
  })

/** Writes lines to stdout, waiting for the pipe to drain (exports can be large). */
export const writeLines = (lines: ReadonlyArray<string>) =>
  lines.length === 0 ? Effect.void : writeChunk(`${lines.join("\n")}\n`)

export const writeLine = (line: string) => writeChunk(`${line}\n`)

/** JSON with Dates as ISO strings and class instances as plain objects. */
export const toJson = (value: unknown): string => JSON.stringify(value)

/** In --json mode one JSON object per line; otherwise the text lines. */
export const emit = (asJson: boolean, value: unknown, text: () => string | ReadonlyArray<string>) =>
  asJson
    ? writeLine(toJson(value))
    : Effect.suspend(() => {
        const out = text()
        return typeof out === "string" ? writeLine(out) : writeLines(out)
      })

/**
 * The organization a command acts on: `--org`, else the only one present; on an empty database a default
 * organization is created. Several organizations without `--org` is a usage error.
 */
export const resolveOrganization = (requested: Option.Option<string>) =>
  resolveDomainOrganization(requested as Option.Option<OrganizationId>).pipe(
    Effect.catchTags({
      OrganizationNotFound: (e) => Effect.fail(new CommandFailed({ message: e.message })),
      OrganizationRequired: (e) =>
        Effect.fail(
          new UsageError({
            message: `several organizations exist; choose one with --org (${e.organizations.map((o) => `${o.id} ${o.name}`).join(", ")})`
          })
        )
    })
  )

export const contextFor = (requested: Option.Option<string>) =>
  Effect.map(
    resolveOrganization(requested),
    (organization): UseCaseContext => ({ organizationId: organization.id, actor: cliActor })
  )
