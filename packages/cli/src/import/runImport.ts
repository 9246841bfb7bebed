import { basename } from "node:path"
import { audit, newId, type UseCaseContext } from "@leadforge/domain"
import { Config, Effect, Either, Option, Stream } from "effect"
import { CommandFailed, UsageError } from "../commands/shared.js"
import { BULK_HEAP_GROWING_PERCENT, withHeapGrowingPercent } from "../heap.js"
import { type HeaderMapper, type ImportType, isBlank } from "./mapping.js"
import { makeRejectionReport } from "./report.js"
import { SeenKeys } from "./SeenKeys.js"
import { type InputFormat, isUnreadable, openSource, type SourceItem } from "./source.js"
import type { RowIssue } from "./values.js"

export interface Counts {
  inserted: number
  updated: number
  unchanged: number
}

/** How one entity type is imported: a pure per-row step and a per-batch database step. */
export interface ImportHandler<P, R> {
  readonly type: ImportType
  /** Each inner list is a set of fields of which at least one must be a column (checked on a CSV header). */
  readonly required: ReadonlyArray<ReadonlyArray<string>>
  readonly prepare: (
    row: number,
    record: Readonly<Record<string, unknown>>,
    now: Date
  ) => Either.Either<P, ReadonlyArray<RowIssue>>
  /** The identity a row is de-duplicated by within the file; a later row with the same one is rejected. */
  readonly identity: (prepared: P) => string
  readonly rowOf: (prepared: P) => number
  /** Writes one batch in one transaction of its own (nothing when dryRun); rows it rejects come back as issues. */
  readonly write: (
    batch: ReadonlyArray<P>,
    options: { readonly dryRun: boolean; readonly overwrite: boolean; readonly now: Date }
  ) => Effect.Effect<{ readonly counts: Counts; readonly issues: ReadonlyArray<RowIssue> }, unknown, R>
  /**
   * Refreshes the planner's statistics of the tables the batches look records up in. Without it a table loaded from
   * empty keeps the statistics of an empty table (PGlite has no autovacuum; Postgres's may lag), and the lookups fall
   * back to scanning the whole organization: 1.4 s a batch at 580k rows instead of 3 ms. During the import only the
   * lookup's columns are analyzed (`lookup`); once it is done, the whole table (`all`), for the queries that follow.
   */
  readonly analyze: (scope: "lookup" | "all") => Effect.Effect<void, unknown, R>
}

export interface ImportOptions {
  readonly path: string
  readonly format: InputFormat | undefined
  readonly mapper: HeaderMapper
  readonly dryRun: boolean
  readonly overwrite: boolean
  readonly batchSize: number
  readonly errorsPath: string | undefined
  readonly json: boolean
  readonly ctx: UseCaseContext
  /** No rejection lines or progress on stderr (seed). */
  readonly quiet?: boolean
}

export interface ImportSummary {
  readonly type: ImportType
  readonly file: string
  readonly format: InputFormat
  readonly sha256: string
  readonly bytes: number
  readonly rows: number
  readonly inserted: number
  readonly updated: number
  readonly unchanged: number
  readonly rejected: number
  readonly ignoredColumns: ReadonlyArray<string>
  readonly dryRun: boolean
  readonly overwrite: boolean
  readonly seconds: number
}

/** Rows validated between two turns of the event loop. */
const SLICE = 100

/**
 * Batches written at once, each in its own transaction on its own connection: while one waits on the database (its
 * lookup, its COPY, its commit), the other's statements keep the server busy. The batches of one file never share an
 * identity (in-file duplicates are rejected before), so they neither lock the same rows nor conflict.
 */
const WRITERS = 2

/**
 * A crash point for tests, off unless set: with LEADFORGE_IMPORT_PAUSE_AFTER_BATCHES=N the import, once N batches
 * are committed, says so on stderr and waits for ever, so a test can kill it at a known point instead of racing
 * the import's speed. It changes nothing that was written; unset (or empty), it is never consulted again.
 */
const pauseAfterBatches = Config.option(Config.integer("LEADFORGE_IMPORT_PAUSE_AFTER_BATCHES")).pipe(
  Effect.map(Option.getOrUndefined),
  Effect.orElseSucceed(() => undefined)
)

/** A turn of the event loop (I/O callbacks run) before the fiber goes on. */
const nextTurn = Effect.async<void>((resume) => {
  const handle = setImmediate(() => resume(Effect.void))
  return Effect.sync(() => clearImmediate(handle))
})

/** A live line on a terminal; otherwise a plain line every 2 seconds (each one means a batch was committed). */
const progressWriter = () => {
  const tty = process.stderr.isTTY === true
  const started = Date.now()
  let lastPlain = started
  return {
    update: (rows: number, rejected: number) => {
      const now = Date.now()
      const seconds = (now - started) / 1000
      const rate = seconds > 0 ? Math.round(rows / seconds) : rows
      const line = `${rows.toLocaleString("en-US")} rows  ${rate.toLocaleString("en-US")} rows/s  ${rejected.toLocaleString("en-US")} rejected`
      if (tty) process.stderr.write(`\r\x1b[2K${line}`)
      else if (now - lastPlain >= 2000) {
        lastPlain = now
        process.stderr.write(`progress: ${line}\n`)
      }
    },
    done: () => {
      if (tty) process.stderr.write("\r\x1b[2K")
    }
  }
}

interface PreparedBatch<P> {
  readonly prepared: ReadonlyArray<P>
  readonly issues: ReadonlyArray<RowIssue>
  readonly rows: number
  readonly rejectedRows: number
}

/**
 * Streams the file through the handler: rows are read and validated batch by batch (the next batch is validated
 * while the previous one is written), every batch is written in its own transaction, rejected rows go to the
 * report and never stop the good ones; the whole import is audited as one event with its counts and SHA-256.
 */
export const runImport = <P, R>(handler: ImportHandler<P, R>, options: ImportOptions) =>
  Effect.gen(function* () {
    const source = yield* Effect.tryPromise({
      try: () => openSource(options.path, options.format),
      catch: (error) => new CommandFailed({ message: `cannot read ${options.path}: ${(error as Error).message}` })
    })
    const now = new Date()
    const started = Date.now()
    const seen = new SeenKeys()
    const report = makeRejectionReport({
      json: options.json,
      errorsPath: options.errorsPath,
      quiet: options.quiet === true
    })
    const progress = progressWriter()
    const pauseAfter = yield* pauseAfterBatches
    let committedBatches = 0
    const totals = { rows: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0 }
    let headerChecked = false

    const checkHeader = (item: SourceItem) => {
      headerChecked = true
      if (source.format !== "csv" || isUnreadable(item)) return Effect.void
      const covered = options.mapper.covered(Object.keys(item.values))
      for (const group of handler.required) {
        if (!group.some((field) => covered.has(field))) {
          return Effect.fail(
            new UsageError({
              message: `no column of ${options.path} maps to ${group.join(" or ")} (columns: ${Object.keys(item.values).join(", ")}); name one with --map COLUMN=${group[0]}`
            })
          )
        }
      }
      return Effect.void
    }

    /**
     * Validates a batch a slice at a time, giving the event loop a turn between slices: validation is the import's
     * main CPU cost, and a batch validated in one go would hold back the database replies of the batches being
     * written meanwhile (and the next statement they send) for its whole duration.
     */
    const prepare = (items: ReadonlyArray<SourceItem>): Effect.Effect<PreparedBatch<P>> =>
      Effect.gen(function* () {
        const prepared: Array<P> = []
        const issues: Array<RowIssue> = []
        let rejectedRows = 0
        for (let start = 0; start < items.length; start += SLICE) {
          if (start > 0) yield* nextTurn
          rejectedRows += prepareSlice(items.slice(start, start + SLICE), prepared, issues)
        }
        return { prepared, issues, rows: items.length, rejectedRows }
      })

    /** Validates `items` into `prepared` and `issues`; returns how many rows it rejected. */
    const prepareSlice = (items: ReadonlyArray<SourceItem>, prepared: Array<P>, issues: Array<RowIssue>): number => {
      let rejectedRows = 0
      for (const item of items) {
        if (isUnreadable(item)) {
          issues.push({ row: item.row, field: "(row)", code: "unreadable", message: item.error })
          rejectedRows++
          continue
        }
        const mapped = options.mapper.map(item.values)
        if (Object.values(mapped).every(isBlank)) {
          issues.push({ row: item.row, field: "(row)", code: "empty", message: "has no value in any known column" })
          rejectedRows++
          continue
        }
        const result = handler.prepare(item.row, mapped, now)
        if (Either.isLeft(result)) {
          issues.push(...result.left)
          rejectedRows++
          continue
        }
        const key = handler.identity(result.right)
        const first = seen.firstRowOr(key, item.row)
        if (first !== undefined) {
          issues.push({
            row: item.row,
            field: "(row)",
            code: "duplicate_in_file",
            message: `describes the same ${handler.type === "leads" ? "company" : "contact"} as row ${first} (${key})`
          })
          rejectedRows++
          continue
        }
        prepared.push(result.right)
      }
      return rejectedRows
    }

    // ANALYZE after 1k, 2k, 4k, 8k… inserted rows: about 20 times for a million, each well under a second
    let analyzedAt = 0
    let inserted = 0
    const store = (batch: PreparedBatch<P>) =>
      handler
        .write(batch.prepared, { dryRun: options.dryRun, overwrite: options.overwrite, now })
        .pipe(Effect.map((result) => ({ batch, ...result })))

    const record = ({
      batch,
      counts,
      issues
    }: {
      readonly batch: PreparedBatch<P>
      readonly counts: Counts
      readonly issues: ReadonlyArray<RowIssue>
    }) =>
      Effect.gen(function* () {
        const rejectedByWriter = new Set(issues.map((i) => i.row)).size
        yield* report.add([...batch.issues, ...issues].sort((a, b) => a.row - b.row))
        totals.rows += batch.rows
        totals.inserted += counts.inserted
        inserted += counts.inserted
        if (!options.dryRun && inserted - analyzedAt >= Math.max(1_000, analyzedAt)) {
          analyzedAt = inserted
          yield* handler.analyze("lookup")
        }
        totals.updated += counts.updated
        totals.unchanged += counts.unchanged
        totals.rejected += batch.rejectedRows + rejectedByWriter
        if (options.quiet !== true) progress.update(totals.rows, totals.rejected)
        committedBatches++
        if (committedBatches === pauseAfter) {
          process.stderr.write(`import paused after ${committedBatches} committed batches\n`)
          yield* Effect.never
        }
      })

    yield* Stream.fromAsyncIterable(
      source.batches(options.batchSize),
      (error) =>
        new CommandFailed({ message: `cannot read ${options.path}: ${(error as Error).message ?? String(error)}` })
    ).pipe(
      // the header is checked on the first batch, before any row of it is validated
      Stream.mapEffect((items) =>
        Effect.flatMap(headerChecked || items.length === 0 ? Effect.void : checkHeader(items[0]!), () => prepare(items))
      ),
      Stream.buffer({ capacity: 1 }),
      Stream.mapEffect(store, { concurrency: WRITERS }),
      Stream.runForEach(record),
      Effect.ensuring(
        Effect.sync(() => {
          progress.done()
          report.close()
        })
      )
    )
    // statistics for every column once the rows are in (only when the lookups needed them refreshed on the way)
    if (analyzedAt > 0) yield* handler.analyze("all")

    const summary: ImportSummary = {
      type: handler.type,
      file: options.path === "-" ? "-" : basename(options.path),
      format: source.format,
      sha256: source.sha256(),
      bytes: source.bytesRead(),
      ...totals,
      ignoredColumns: [...options.mapper.ignored],
      dryRun: options.dryRun,
      overwrite: options.overwrite,
      seconds: (Date.now() - started) / 1000
    }
    if (!options.dryRun) {
      const { seconds: _s, ignoredColumns: _i, ...details } = summary
      yield* audit(options.ctx, "import", "import", newId(), details)
    }
    return summary
  }).pipe(withHeapGrowingPercent(BULK_HEAP_GROWING_PERCENT))
