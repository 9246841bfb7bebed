import { Args, Command, Options } from "@effect/cli"
import * as Runtime from "@leadforge/adapters/runtime"
import {
  type Contact,
  ContactId,
  type ContactInclude,
  type ContactQuery,
  ContactSource,
  Department,
  EmailStatus,
  getContact,
  LeadId,
  listContacts,
  Seniority,
  searchContacts,
  validateContact
} from "@leadforge/domain"
import { Effect, Option, Schema, Stream } from "effect"
import { HeaderMapper } from "../import/mapping.js"
import { isUnreadable, openSource } from "../import/source.js"
import { text } from "../import/values.js"
import { CommandFailed, contextFor, emit, json, org, UsageError } from "./shared.js"

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

const contactLine = (contact: Contact) =>
  [
    contact.id,
    contact.emailStatus.padEnd(10),
    (contact.fullName || "(no name)").padEnd(24),
    contact.email ?? "(no email)",
    contact.jobTitle ?? ""
  ]
    .join("  ")
    .trimEnd()

const list = Command.make(
  "list",
  {
    json,
    org,
    emailStatus: Options.choice("email-status", EmailStatus.literals).pipe(
      Options.withDescription("Only contacts whose email has this status"),
      Options.optional
    ),
    seniority: Options.choice("seniority", Seniority.literals).pipe(
      Options.withDescription("Only contacts of this seniority"),
      Options.optional
    ),
    department: Options.choice("department", Department.literals).pipe(
      Options.withDescription("Only contacts in this department"),
      Options.optional
    ),
    lead: Options.text("lead").pipe(
      Options.withSchema(LeadId),
      Options.withDescription("Only contacts of this lead"),
      Options.optional
    ),
    source: Options.choice("source", ContactSource.literals).pipe(
      Options.withDescription("Only contacts that came from this source"),
      Options.optional
    ),
    limit: Options.integer("limit").pipe(Options.withDescription("How many to print (1-500)"), Options.withDefault(50)),
    cursor: Options.text("cursor").pipe(
      Options.withDescription("Continue after the page that printed this cursor"),
      Options.optional
    )
  },
  (args) =>
    Effect.gen(function* () {
      const ctx = yield* contextFor(args.org)
      const query: ContactQuery = {
        limit: args.limit,
        ...Option.match(args.emailStatus, { onNone: () => ({}), onSome: (emailStatus) => ({ emailStatus }) }),
        ...Option.match(args.seniority, { onNone: () => ({}), onSome: (seniority) => ({ seniority }) }),
        ...Option.match(args.department, { onNone: () => ({}), onSome: (department) => ({ department }) }),
        ...Option.match(args.lead, { onNone: () => ({}), onSome: (leadId) => ({ leadId }) }),
        ...Option.match(args.source, { onNone: () => ({}), onSome: (source) => ({ source }) }),
        ...Option.match(args.cursor, { onNone: () => ({}), onSome: (cursor) => ({ cursor }) })
      }
      const page = yield* listContacts(ctx, query).pipe(
        Effect.catchTag("ValidationFailed", (e) => new UsageError({ message: e.message }))
      )
      if (!args.json && page.items.length === 0) yield* emit(false, null, () => "no contacts")
      for (const contact of page.items) yield* emit(args.json, contact, () => contactLine(contact))
      if (page.nextCursor !== null) {
        yield* emit(args.json, { nextCursor: page.nextCursor }, () => `more: --cursor ${page.nextCursor}`)
      }
    }).pipe(Effect.provide(Runtime.persistence))
).pipe(
  Command.withDescription(
    "List contacts across leads, newest first (filters: --email-status --seniority --department --lead --source)"
  )
)

const search = Command.make(
  "search",
  {
    json,
    org,
    limit: Options.integer("limit").pipe(Options.withDescription("How many to print (1-100)"), Options.withDefault(20)),
    query: Args.text({ name: "query" }).pipe(Args.withDescription("Words of the name, email, title or company"))
  },
  (args) =>
    Effect.gen(function* () {
      const ctx = yield* contextFor(args.org)
      const hits = yield* searchContacts(ctx, args.query, { limit: args.limit })
      if (!args.json && hits.length === 0) yield* emit(false, null, () => "no contacts match")
      for (const hit of hits) {
        yield* emit(
          args.json,
          { rank: hit.rank, score: hit.score, contact: hit.contact },
          () => `${String(hit.rank).padStart(3)}  ${contactLine(hit.contact)}`
        )
      }
    }).pipe(Effect.provide(Runtime.persistence))
).pipe(Command.withDescription("Search contacts across leads by name, email, job title or company, best first"))

const Includes = Schema.compose(Schema.split(","), Schema.Array(Schema.Literal("lead", "activities", "conversations")))

const get = Command.make(
  "get",
  {
    json,
    org,
    include: Options.text("include").pipe(
      Options.withSchema(Includes),
      Options.withDescription("Also show: lead, activities, conversations (comma-separated)"),
      Options.optional
    ),
    contactId: Args.text({ name: "contact-id" }).pipe(
      Args.withSchema(ContactId),
      Args.withDescription("The contact's id (a UUID, as printed by `contacts list`)")
    )
  },
  (args) =>
    Effect.gen(function* () {
      const ctx = yield* contextFor(args.org)
      const include: ReadonlyArray<ContactInclude> = Option.getOrElse(args.include, () => [])
      const detail = yield* getContact(ctx, args.contactId, include).pipe(
        Effect.catchTag("ContactNotFound", () => new CommandFailed({ message: `no contact with id ${args.contactId}` }))
      )
      const { contact } = detail
      yield* emit(args.json, detail, () => [
        `${contact.fullName || "(no name)"}  ${contact.id}`,
        `  email       ${contact.email ?? "-"} (${contact.emailStatus})`,
        `  title       ${contact.jobTitle ?? "-"} (${contact.seniority}, ${contact.department})`,
        `  phone       ${contact.phone ?? "-"}`,
        `  linkedin    ${contact.linkedinUrl ?? "-"}`,
        `  lead        ${detail.lead === undefined ? contact.leadId : `${detail.lead.companyName} (${contact.leadId})`}`,
        `  source      ${contact.source}`,
        `  version     ${contact.version}`,
        ...(detail.activities === undefined
          ? []
          : [
              `  activities  ${detail.activities.length}`,
              ...detail.activities.map((a) =>
                `    ${a.occurredAt.toISOString()}  ${a.kind}  ${a.summary ?? ""}`.trimEnd()
              )
            ]),
        ...(detail.conversations === undefined
          ? []
          : [
              `  conversations  ${detail.conversations.length}`,
              ...detail.conversations.map((c) => `    ${c.subject} (${c.messages.length} messages)`)
            ])
      ])
    }).pipe(Effect.provide(Runtime.persistence))
).pipe(Command.withDescription("Show one contact (--include lead,activities,conversations)"))

export const contactsCommand = Command.make("contacts", {}, () =>
  Effect.fail(
    new UsageError({ message: "missing subcommand: list, search, get or validate (see `leadforge contacts --help`)" })
  )
).pipe(Command.withDescription("Work with contacts"), Command.withSubcommands([list, search, get, validate]))
