import { Args, Command, Options } from "@effect/cli"
import { validateContact } from "@leadforge/domain"
import { Effect, Option, Stream } from "effect"
import { HeaderMapper } from "../import/mapping.js"
import { isUnreadable, openSource } from "../import/source.js"
import { text } from "../import/values.js"
import { CommandFailed, emit, json, UsageError } from "./shared.js"

const str = (value: unknown): string | null => {
  const parsed = text(value)
  return parsed.ok ? parsed.value : null
}

const validate = Command.make(
  "validate",
  {
    json,
    format: Options.choice("format", ["csv", "ndjson", "lines"]).pipe(
      Options.withDescription(
        "Input format (default: NDJSON if it starts with {, CSV if the first line has a comma, else one email per line)"
      ),
      Options.optional
    ),
    country: Options.text("default-country").pipe(
      Options.withDescription("Country for phone numbers without a +prefix (ISO alpha-2, e.g. DE)"),
      Options.optional
    ),
    file: Args.text({ name: "file" }).pipe(
      Args.withDescription("Contacts as CSV, NDJSON or one email per line; - for stdin")
    )
  },
  (args) =>
    Effect.gen(function* () {
      const source = yield* Effect.tryPromise({
        try: () => openSource(args.file, Option.getOrUndefined(args.format), { allowLines: true }),
        catch: (error) => new CommandFailed({ message: `cannot read ${args.file}: ${(error as Error).message}` })
      })
      const mapper = new HeaderMapper("contacts", new Map([["value", "email"]]))
      const counts = { valid: 0, risky: 0, invalid: 0 }
      yield* Stream.fromAsyncIterable(
        source.records,
        (error) => new CommandFailed({ message: `cannot read ${args.file}: ${(error as Error).message}` })
      ).pipe(
        Stream.runForEach((item) => {
          if (isUnreadable(item)) {
            counts.invalid++
            return emit(
              args.json,
              {
                row: item.row,
                status: "invalid",
                issues: [{ field: "(row)", code: "unreadable", message: item.error }]
              },
              () => `row ${item.row}: unreadable: ${item.error}`
            )
          }
          const record = mapper.map(item.values)
          const result = validateContact(
            {
              firstName: str(record.firstName),
              lastName: str(record.lastName),
              fullName: str(record.fullName),
              email: str(record.email),
              jobTitle: str(record.jobTitle),
              phone: str(record.phone),
              linkedinUrl: str(record.linkedinUrl)
            },
            {
              companyDomain: str(record.companyDomain),
              ...(Option.isSome(args.country) ? { defaultCountry: args.country.value } : {})
            }
          )
          counts[result.status]++
          return emit(
            args.json,
            {
              row: item.row,
              status: result.status,
              confidence: result.confidence,
              contact: result.contact,
              issues: result.issues
            },
            () => [
              `row ${item.row}: ${result.status} (${result.confidence})  ${result.contact.email ?? str(record.email) ?? "(no email)"}`,
              ...result.issues.map((i) => `  ${i.field}: ${i.message} (${i.code})`)
            ]
          )
        })
      )
      if (!args.json) {
        yield* emit(false, null, () => `${counts.valid} valid, ${counts.risky} risky, ${counts.invalid} invalid`)
      }
    })
).pipe(
  Command.withDescription(
    "Validate contacts (email syntax, disposable and role addresses, domain match, phone, LinkedIn URL, name) and print one result per line; reads a file or - for stdin; writes nothing"
  )
)

export const contactsCommand = Command.make("contacts", {}, () =>
  Effect.fail(new UsageError({ message: "missing subcommand: validate (see `leadforge contacts --help`)" }))
).pipe(Command.withDescription("Work with contacts"), Command.withSubcommands([validate]))
