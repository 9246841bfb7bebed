import { FieldProvenance, type FundingStage } from "@leadforge/domain"
import { isBlank } from "./mapping.js"

/** One reason a row was rejected; the error report has one line per issue. */
export interface RowIssue {
  readonly row: number
  readonly field: string
  readonly code: string
  readonly message: string
}

export type Parsed<A> =
  | { readonly ok: true; readonly value: A }
  | { readonly ok: false; readonly code: string; readonly message: string }

const ok = <A>(value: A): Parsed<A> => ({ ok: true, value })
const bad = (code: string, message: string): Parsed<never> => ({ ok: false, code, message })

export const text = (value: unknown): Parsed<string | null> => {
  if (isBlank(value)) return ok(null)
  if (typeof value === "string") return ok(value.trim())
  if (typeof value === "number" || typeof value === "boolean") return ok(String(value))
  return bad("invalid_type", "must be text")
}

export const integer = (value: unknown, min: number, max: number): Parsed<number | null> => {
  if (isBlank(value)) return ok(null)
  const n =
    typeof value === "number" ? value : typeof value === "string" ? Number(value.replace(/[,_\s]/g, "")) : Number.NaN
  if (!Number.isInteger(n)) return bad("invalid_number", `must be a whole number, got ${JSON.stringify(value)}`)
  if (n < min || n > max) return bad("out_of_range", `must be between ${min} and ${max}, got ${n}`)
  return ok(n)
}

export const list = (value: unknown): Parsed<ReadonlyArray<string>> => {
  if (isBlank(value)) return ok([])
  if (Array.isArray(value)) {
    return value.every((v) => typeof v === "string")
      ? ok(value.map((v: string) => v.trim()).filter((v) => v !== ""))
      : bad("invalid_type", "must be a list of text values")
  }
  if (typeof value !== "string") return bad("invalid_type", "must be text separated by ; or |")
  return ok(
    value
      .split(/[;|]/)
      .map((v) => v.trim())
      .filter((v) => v !== "")
  )
}

const FUNDING: Record<string, FundingStage> = {
  bootstrapped: "bootstrapped",
  selffunded: "bootstrapped",
  preseed: "pre_seed",
  seed: "seed",
  seriesa: "series_a",
  a: "series_a",
  seriesb: "series_b",
  b: "series_b",
  seriesc: "series_c",
  c: "series_c",
  seriesd: "series_d_plus",
  seriesdplus: "series_d_plus",
  seriese: "series_d_plus",
  seriesf: "series_d_plus",
  privateequity: "private_equity",
  pe: "private_equity",
  public: "public",
  ipo: "public",
  listed: "public",
  acquired: "acquired"
}

export const fundingStage = (value: unknown): Parsed<FundingStage | null> => {
  const t = text(value)
  if (!t.ok || t.value === null) return t as Parsed<null>
  const stage =
    FUNDING[
      t.value
        .toLowerCase()
        .replace(/\+/g, "plus")
        .replace(/[^a-z]/g, "")
    ]
  return stage === undefined
    ? bad("invalid_funding_stage", `"${t.value}" is not a funding stage (e.g. seed, Series A, Series D+, public)`)
    : ok(stage)
}

export const countryCode = (value: unknown): Parsed<string | null> => {
  const t = text(value)
  if (!t.ok || t.value === null) return t
  const code = t.value.toUpperCase()
  return /^[A-Z]{2}$/.test(code)
    ? ok(code)
    : bad("invalid_country", `must be an ISO 3166-1 alpha-2 country code such as DE or US, got "${t.value}"`)
}

/** Provenance for imported values: origin `import`, observed now. */
export const importedProvenance = (fields: ReadonlyArray<string>, observedAt: Date) => {
  let entry = entries.get(observedAt)
  if (entry === undefined) {
    entry = new FieldProvenance({ origin: "import", confidence: 80, observedAt })
    entries.set(observedAt, entry)
  }
  const provenance: Record<string, FieldProvenance> = {}
  for (const field of fields) provenance[field] = entry
  return provenance
}

/** One (immutable) entry per import time: every row of an import shares it instead of building its own. */
const entries = new WeakMap<Date, FieldProvenance>()
