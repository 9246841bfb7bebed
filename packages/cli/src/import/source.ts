import { createHash } from "node:crypto"
import * as fs from "node:fs"
import * as readline from "node:readline"
import { Readable } from "node:stream"
import { parse } from "csv-parse"

export type InputFormat = "csv" | "ndjson" | "lines"

/** One record of an input file: its 1-based data row (the CSV header is not a row) and its raw values. */
export interface SourceRecord {
  readonly row: number
  readonly values: Readonly<Record<string, unknown>>
}

/** A record the reader could not parse (bad JSON, unbalanced quotes): reported, never fatal for the others. */
export interface UnreadableRecord {
  readonly row: number
  readonly error: string
}

export type SourceItem = SourceRecord | UnreadableRecord

export const isUnreadable = (item: SourceItem): item is UnreadableRecord => "error" in item

export interface OpenedSource {
  readonly format: InputFormat
  /**
   * The records in batches of at most `size`, as they are parsed (the last batch may be shorter). Reading a batch
   * at a time rather than awaiting each record took a third off the per-row cost of a CSV import. Read either
   * `batches` or `records`, once.
   */
  readonly batches: (size: number) => AsyncIterable<ReadonlyArray<SourceItem>>
  /** The records one by one. */
  readonly records: AsyncIterable<SourceItem>
  /** The hex SHA-256 of every byte read; final once `records` is exhausted. */
  readonly sha256: () => string
  readonly bytesRead: () => number
}

const formatOfPath = (path: string): InputFormat | undefined => {
  const lower = path.toLowerCase()
  if (lower.endsWith(".csv") || lower.endsWith(".tsv")) return "csv"
  if (lower.endsWith(".ndjson") || lower.endsWith(".jsonl") || lower.endsWith(".json")) return "ndjson"
  return undefined
}

/** The input as a byte stream hashed as it is read; the first chunk is looked at to tell NDJSON from CSV. */
const hashedBytes = async (input: AsyncIterable<Buffer>, hash: ReturnType<typeof createHash>, count: { n: number }) => {
  const iterator = input[Symbol.asyncIterator]()
  const first = await iterator.next()
  const head: Buffer | undefined = first.done === true ? undefined : first.value
  async function* all() {
    if (head !== undefined) {
      hash.update(head)
      count.n += head.length
      yield head
    }
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) {
      hash.update(next.value)
      count.n += next.value.length
      yield next.value
    }
  }
  const start =
    head === undefined
      ? ""
      : head
          .subarray(0, 4096)
          .toString("utf8")
          .replace(/^\uFEFF/, "")
  const firstLine = start.trimStart().split(/\r?\n/)[0] ?? ""
  const sniffed: InputFormat = /^\s*[{[]/.test(start) ? "ndjson" : /[,;\t]/.test(firstLine) ? "csv" : "lines"
  return { stream: Readable.from(all(), { objectMode: false }), sniffed }
}

/**
 * Everything `stream` (in object mode) has buffered, taken synchronously with `read()`, a batch at a time: one await
 * per batch instead of one per object.
 */
async function* readBatches<A>(
  stream: Readable,
  size: number,
  take: (value: unknown, out: Array<A>) => void
): AsyncIterable<ReadonlyArray<A>> {
  let ended = false
  let failure: { readonly error: unknown } | undefined
  let wake: (() => void) | undefined
  const signal = () => {
    const resolve = wake
    wake = undefined
    resolve?.()
  }
  stream.on("readable", signal)
  stream.once("end", () => {
    ended = true
    signal()
  })
  stream.once("error", (error) => {
    failure = { error }
    signal()
  })
  let batch: Array<A> = []
  try {
    for (;;) {
      for (let value = stream.read(); value !== null; value = stream.read()) {
        take(value, batch)
        if (batch.length >= size) {
          yield batch
          batch = []
        }
      }
      if (failure !== undefined) throw failure.error
      if (ended) break
      await new Promise<void>((resolve) => {
        wake = resolve
      })
    }
    if (batch.length > 0) yield batch
  } finally {
    stream.destroy()
  }
}

function csvBatches(stream: Readable, size: number): AsyncIterable<ReadonlyArray<SourceItem>> {
  const parser = stream.pipe(
    parse({
      columns: (header: ReadonlyArray<string>) => header.map((h) => h.trim()),
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      skip_records_with_error: true,
      trim: true
    })
  )
  // the input's own errors (an unreadable file) end the parser's stream with them
  stream.once("error", (error) => parser.destroy(error))
  const skipped: Array<string> = []
  parser.on("skip", (error: Error) => skipped.push(error.message))
  let row = 0
  const drainSkipped = (out: Array<SourceItem>) => {
    while (skipped.length > 0) out.push({ row: ++row, error: `is not valid CSV: ${skipped.shift()}` })
  }
  return (async function* () {
    for await (const batch of readBatches<SourceItem>(parser, size, (record, out) => {
      drainSkipped(out)
      out.push({ row: ++row, values: record as Record<string, unknown> })
    })) {
      yield batch
    }
    const rest: Array<SourceItem> = []
    drainSkipped(rest)
    if (rest.length > 0) yield rest
  })()
}

/** Groups an iterable of records into batches of at most `size`. */
async function* grouped<A>(items: AsyncIterable<A>, size: number): AsyncIterable<ReadonlyArray<A>> {
  let batch: Array<A> = []
  for await (const item of items) {
    batch.push(item)
    if (batch.length >= size) {
      yield batch
      batch = []
    }
  }
  if (batch.length > 0) yield batch
}

async function* flattened<A>(batches: AsyncIterable<ReadonlyArray<A>>): AsyncIterable<A> {
  for await (const batch of batches) yield* batch
}

async function* ndjsonRecords(stream: Readable): AsyncIterable<SourceItem> {
  const lines = readline.createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY })
  let row = 0
  for await (const raw of lines) {
    const line = row === 0 ? raw.replace(/^\uFEFF/, "") : raw
    if (line.trim() === "") continue
    row++
    try {
      const value: unknown = JSON.parse(line)
      if (value === null || typeof value !== "object" || Array.isArray(value)) {
        yield { row, error: "is not a JSON object" }
      } else {
        yield { row, values: value as Record<string, unknown> }
      }
    } catch (error) {
      yield { row, error: `is not valid JSON: ${(error as Error).message}` }
    }
  }
}

/** One value per line (a list of email addresses): each line is the record `{ value }`. */
async function* lineRecords(stream: Readable): AsyncIterable<SourceItem> {
  const lines = readline.createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY })
  let row = 0
  for await (const raw of lines) {
    const line = raw.replace(/^\uFEFF/, "").trim()
    if (line === "") continue
    row++
    yield { row, values: { value: line } }
  }
}

/**
 * Opens `path` (or stdin for `-`) as a stream of records. The format is `format` when given, else the file's
 * extension (.csv, .ndjson/.jsonl/.json), else sniffed: a first character `{` means NDJSON.
 */
export const openSource = async (
  path: string,
  format: InputFormat | undefined,
  options: { readonly allowLines?: boolean } = {}
): Promise<OpenedSource> => {
  const hash = createHash("sha256")
  const count = { n: 0 }
  const input: AsyncIterable<Buffer> =
    path === "-" ? (process.stdin as AsyncIterable<Buffer>) : fs.createReadStream(path, { highWaterMark: 256 * 1024 })
  const { stream, sniffed } = await hashedBytes(input, hash, count)
  const guessed = format ?? (path === "-" ? undefined : formatOfPath(path)) ?? sniffed
  const chosen = guessed === "lines" && options.allowLines !== true ? "csv" : guessed
  let digest: string | undefined
  const batches = (size: number) =>
    chosen === "csv"
      ? csvBatches(stream, size)
      : grouped(chosen === "lines" ? lineRecords(stream) : ndjsonRecords(stream), size)
  return {
    format: chosen,
    batches,
    get records() {
      return flattened(batches(1_000))
    },
    sha256: () => {
      digest ??= hash.digest("hex")
      return digest
    },
    bytesRead: () => count.n
  }
}
