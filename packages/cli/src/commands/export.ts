import { Command, Options } from "@effect/cli"
import * as Runtime from "@leadforge/adapters/runtime"
import {
  contactExportColumns,
  type ExportFilter,
  ExportReader,
  leadExportColumns,
  type Unavailable
} from "@leadforge/domain"
import { Chunk, Effect, Option, Stream } from "effect"
import { BULK_HEAP_GROWING_PERCENT, withHeapGrowingPercent } from "../heap.js"
import { csvLine } from "../import/report.js"
import { contextFor, org, UsageError, writeLines } from "./shared.js"

const csvValue = (value: unknown): string | number | null =>
  value === null || value === undefined
    ? null
    : Array.isArray(value)
      ? value.join(";")
      : typeof value === "number"
        ? value
        : String(value)

export const exportCommand = Command.make(
  "export",
  {
    org,
    type: Options.choice("type", ["leads", "contacts"]).pipe(Options.withDescription("What to export")),
    format: Options.choice("format", ["csv", "ndjson"]).pipe(
      Options.withDescription("Output format (CSV with a header row, or one JSON object per line)"),
      Options.withDefault("csv" as const)
    ),
    status: Options.choice("status", ["new", "contacted", "qualified", "won", "lost", "disqualified"]).pipe(
      Options.withDescription("Only leads (or contacts of leads) in this status"),
      Options.optional
    ),
    industry: Options.text("industry").pipe(Options.withDescription("Only leads in this industry"), Options.optional),
    country: Options.text("country").pipe(
      Options.withDescription("Only leads in this country (alpha-2)"),
      Options.optional
    ),
    minScore: Options.integer("min-score").pipe(
      Options.withDescription("Only leads scoring at least this"),
      Options.optional
    )
  },
  (args) =>
    Effect.gen(function* () {
      if (Option.isSome(args.minScore) && (args.minScore.value < 0 || args.minScore.value > 100)) {
        return yield* new UsageError({ message: "--min-score must be between 0 and 100" })
      }
      const ctx = yield* contextFor(args.org)
      const reader = yield* ExportReader
      const filter: ExportFilter = {
        ...(Option.isSome(args.status) ? { status: args.status.value } : {}),
        ...(Option.isSome(args.industry) ? { industry: args.industry.value } : {}),
        ...(Option.isSome(args.country) ? { country: args.country.value.toUpperCase() } : {}),
        ...(Option.isSome(args.minScore) ? { minScore: args.minScore.value } : {})
      }
      const columns: ReadonlyArray<string> = args.type === "leads" ? leadExportColumns : contactExportColumns
      const records: Stream.Stream<Readonly<Record<string, unknown>>, Unavailable> = args.type === "leads"
        ? reader.leads(ctx.organizationId, filter)
        : reader.contacts(ctx.organizationId, filter)
      if (args.format === "csv") yield* writeLines([columns.join(",")])
      // one write per page the reader hands over, so memory stays at one page
      yield* Stream.runForEachChunk(records, (chunk) =>
        writeLines(
          Chunk.toReadonlyArray(chunk).map((record) =>
            args.format === "csv" ? csvLine(columns.map((column) => csvValue(record[column]))) : JSON.stringify(record)
          )
        )
      )
    }).pipe(withHeapGrowingPercent(BULK_HEAP_GROWING_PERCENT), Effect.provide(Runtime.persistence))
).pipe(
  Command.withDescription(
    "Stream every lead or contact of the organization to stdout as CSV or NDJSON (re-importable with `leadforge import`)"
  )
)
