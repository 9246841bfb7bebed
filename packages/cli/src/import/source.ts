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

async function* csvRecords(stream: Readable): AsyncIterable<SourceItem> {
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
  const skipped: Array<string> = []
  parser.on("skip", (error: Error) => skipped.push(error.message))
  let row = 0
  for await (const record of parser) {
    while (skipped.length > 0) yield { row: ++row, error: `is not valid CSV: ${skipped.shift()}` }
    row++
    yield { row, values: record as Record<string, unknown> }
  }
  while (skipped.length > 0) yield { row: ++row, error: `is not valid CSV: ${skipped.shift()}` }
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
  return {
    format: chosen,
    records: chosen === "csv" ? csvRecords(stream) : chosen === "lines" ? lineRecords(stream) : ndjsonRecords(stream),
    sha256: () => {
      digest ??= hash.digest("hex")
      return digest
    },
    bytesRead: () => count.n
  }
}
