import * as fs from "node:fs"
import { Effect } from "effect"
import { toJson, writeLine } from "../commands/shared.js"
import type { RowIssue } from "./values.js"

const csvCell = (value: string | number): string => {
  const s = String(value)
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s
}

export const csvLine = (values: ReadonlyArray<string | number | null | undefined>): string =>
  values.map((v) => (v === null || v === undefined ? "" : csvCell(v))).join(",")

const SHOWN_ON_STDERR = 20

/**
 * Where rejected rows go: `--errors FILE` (CSV: row,field,code,message), NDJSON on stdout with --json, and
 * the first few on stderr otherwise.
 */
export const makeRejectionReport = (options: {
  readonly json: boolean
  readonly errorsPath: string | undefined
  readonly quiet?: boolean
}) => {
  const file = options.errorsPath === undefined ? undefined : fs.openSync(options.errorsPath, "w")
  if (file !== undefined) fs.writeSync(file, "row,field,code,message\n")
  let shown = 0
  let total = 0
  return {
    add: (issues: ReadonlyArray<RowIssue>) =>
      Effect.gen(function* () {
        if (issues.length === 0) return
        total += issues.length
        if (file !== undefined) {
          fs.writeSync(file, `${issues.map((i) => csvLine([i.row, i.field, i.code, i.message])).join("\n")}\n`)
        }
        if (options.json) {
          for (const issue of issues) yield* writeLine(toJson({ type: "rejected", ...issue }))
        } else if (options.quiet !== true) {
          for (const issue of issues) {
            if (shown++ < SHOWN_ON_STDERR) {
              process.stderr.write(`row ${issue.row}: ${issue.field}: ${issue.message} (${issue.code})\n`)
            }
          }
        }
      }),
    close: () => {
      if (file !== undefined) fs.closeSync(file)
      if (!options.json && options.quiet !== true && shown > SHOWN_ON_STDERR && options.errorsPath === undefined) {
        process.stderr.write(`… ${total - SHOWN_ON_STDERR} more issues; write them all with --errors FILE\n`)
      }
    }
  }
}
