import { Args, Command, Options } from "@effect/cli"
import * as Runtime from "@leadforge/adapters/runtime"
import { Effect, Option } from "effect"
import { contactHandler } from "../import/contactHandler.js"
import { leadHandler } from "../import/leadHandler.js"
import { HeaderMapper, parseMapOptions } from "../import/mapping.js"
import { type ImportSummary, runImport } from "../import/runImport.js"
import { contextFor, emit, json, org, PartialSuccess, UsageError } from "./shared.js"

const summaryText = (s: ImportSummary): ReadonlyArray<string> => [
  `${s.dryRun ? "dry run of " : ""}${s.file} (${s.type}, ${s.format}): ${s.rows} rows — ${s.inserted} inserted, ${s.updated} updated, ${s.unchanged} unchanged, ${s.rejected} rejected in ${s.seconds.toFixed(1)} s`,
  `sha256 ${s.sha256}`,
  ...(s.ignoredColumns.length > 0 ? [`ignored columns: ${s.ignoredColumns.join(", ")}`] : []),
  ...(s.dryRun ? ["nothing was written (--dry-run)"] : [])
]

export const importCommand = Command.make(
  "import",
  {
    json,
    org,
    type: Options.choice("type", ["leads", "contacts"]).pipe(
      Options.withDescription("What the file holds: leads (companies) or contacts (people at leads already imported)")
    ),
    format: Options.choice("format", ["csv", "ndjson"]).pipe(
      Options.withDescription("Input format (default: from the file extension, else NDJSON if it starts with {)"),
      Options.optional
    ),
    map: Options.text("map").pipe(
      Options.withDescription('Map a column to a field, e.g. --map "Firma=companyName" (repeatable)'),
      Options.repeated
    ),
    dryRun: Options.boolean("dry-run").pipe(Options.withDescription("Validate and count, write nothing")),
    overwrite: Options.boolean("overwrite").pipe(
      Options.withDescription("Let imported values replace user-entered ones (default: user-entered values stay)")
    ),
    errors: Options.text("errors").pipe(
      Options.withDescription("Write every rejected row to this CSV file (row,field,code,message)"),
      Options.optional
    ),
    batchSize: Options.integer("batch-size").pipe(
      Options.withDescription("Rows per transaction"),
      Options.withDefault(1000)
    ),
    file: Args.text({ name: "file" }).pipe(Args.withDescription("CSV or NDJSON file, or - for stdin"))
  },
  (args) =>
    Effect.gen(function* () {
      const mapped = parseMapOptions(args.type, args.map)
      if (!mapped.ok) return yield* new UsageError({ message: mapped.message })
      if (args.batchSize < 1 || args.batchSize > 10_000) {
        return yield* new UsageError({ message: "--batch-size must be between 1 and 10000" })
      }
      const ctx = yield* contextFor(args.org)
      const options = {
        path: args.file,
        format: Option.getOrUndefined(args.format),
        mapper: new HeaderMapper(args.type, mapped.map),
        dryRun: args.dryRun,
        overwrite: args.overwrite,
        batchSize: args.batchSize,
        errorsPath: Option.getOrUndefined(args.errors),
        json: args.json,
        ctx
      }
      const summary =
        args.type === "leads"
          ? yield* runImport(leadHandler(ctx.organizationId), options)
          : yield* runImport(contactHandler(ctx.organizationId), options)
      yield* emit(args.json, { ...summary, type: "summary", entity: summary.type }, () => summaryText(summary))
      if (summary.rejected > 0) {
        return yield* new PartialSuccess({
          message: `${summary.rejected} of ${summary.rows} rows rejected${summary.dryRun ? "" : "; the other rows were imported"}`
        })
      }
    }).pipe(Effect.provide(Runtime.persistence))
).pipe(
  Command.withDescription(
    "Import leads or contacts from CSV or NDJSON (streamed, validated, scored, upserted by identity); exit 3 if rows were rejected"
  )
)
