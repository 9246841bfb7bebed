import type { FieldOrigin, FieldProvenance, Provenance } from "../model/common.js"
import { normalizeDomain } from "./domain.js"
import { validateEmail } from "./email.js"

/** How a lead is recognised: its registrable domain, else its normalized company name. */
export interface LeadIdentity {
  readonly kind: "domain" | "name"
  readonly value: string
  /** `domain:acme.com` or `name:acme`; unique per organization. */
  readonly key: string
}

/** How a contact is recognised: its normalized email, else name within the company. */
export interface ContactIdentity {
  readonly kind: "email" | "name"
  readonly value: string
  /** `email:jane@acme.com` or `name:<company key>:jane doe`. */
  readonly key: string
}

export interface MergeDecision {
  readonly field: string
  /** `both` when the values were combined (lists unioned, notes joined, the higher confidence kept). */
  readonly winner: "a" | "b" | "both"
  readonly value: unknown
  readonly reason: string
}

export interface MergePlan<T> {
  readonly merged: T
  /** One entry per field whose values differed, in field order. Equal fields are not listed. */
  readonly decisions: ReadonlyArray<MergeDecision>
}

export interface Mergeable {
  readonly provenance: Provenance
  readonly updatedAt: Date
}

// ---------------------------------------------------------------------------------------------------------------
// Company names

/**
 * Legal-form words dropped from the end of a company name. Dotted forms ("S.A.", "Inc.") lose their dots before
 * the lookup, so "s.a." arrives as "sa".
 */
const LEGAL_SUFFIXES: ReadonlySet<string> = new Set([
  "inc",
  "incorporated",
  "llc",
  "llp",
  "lp",
  "ltd",
  "limited",
  "corp",
  "corporation",
  "co",
  "company",
  "plc",
  "gmbh",
  "mbh",
  "ag",
  "kg",
  "kgaa",
  "ug",
  "ev",
  "se",
  "sa",
  "sas",
  "sarl",
  "srl",
  "spa",
  "bv",
  "nv",
  "pty",
  "pte",
  "oy",
  "oyj",
  "ab",
  "as",
  "asa",
  "aps",
  "kk",
  "sl",
  "sro",
  "zoo",
  "sp",
  "group",
  "holding",
  "holdings"
])

const COMBINING_MARKS = /\p{M}+/gu
const NOT_WORD = /[^\p{L}\p{N}]+/gu
const DOTTED_ABBREVIATION = /(?<=\p{L})\.(?=\p{L}\.?)/gu

const tokensOf = (name: string): Array<string> =>
  name
    .normalize("NFKD")
    .toLowerCase()
    .normalize("NFKD")
    .replace(COMBINING_MARKS, "")
    .replace(DOTTED_ABBREVIATION, "")
    .replace(/&/g, " and ")
    .replace(/\+/g, " and ")
    .split(NOT_WORD)
    .filter((token) => token.length > 0)

/**
 * A company name as a comparison key: lower case, accents removed, `&` as "and", punctuation dropped, a leading
 * "the" and trailing legal forms (Inc, GmbH & Co. KG, S.A., …) removed. A name that is nothing but such words is
 * kept as it is rather than emptied. Idempotent. `"The Acme Corp."` → `"acme"`, `"Müller GmbH & Co. KG"` →
 * `"muller"`.
 */
export const normalizeCompanyName = (name: string): string => {
  const tokens = tokensOf(name)
  let changed = true
  while (changed && tokens.length > 1) {
    changed = false
    const last = tokens[tokens.length - 1] as string
    if (tokens[0] === "the") {
      tokens.shift()
      changed = true
    } else if (LEGAL_SUFFIXES.has(last) || last === "and") {
      tokens.pop()
      changed = true
    }
  }
  return tokens.join(" ")
}

/**
 * The identity a lead is de-duplicated by within an organization: the registrable domain of `domain` or, failing
 * that, of `website`; else the normalized company name; null when there is nothing to go by.
 */
export const leadIdentity = (lead: {
  readonly companyName: string
  readonly domain?: string | null | undefined
  readonly website?: string | null | undefined
}): LeadIdentity | null => {
  const domain = normalizeDomain(lead.domain) ?? normalizeDomain(lead.website)
  if (domain !== null) return { kind: "domain", value: domain, key: `domain:${domain}` }
  const name = normalizeCompanyName(lead.companyName)
  if (name.length === 0) return null
  return { kind: "name", value: name, key: `name:${name}` }
}

const personName = (first: string | null | undefined, last: string | null | undefined): string =>
  tokensOf(`${first ?? ""} ${last ?? ""}`).join(" ")

/**
 * The identity a contact is de-duplicated by: its email (syntax-normalized, lower case) when the address is not
 * invalid; else first and last name within the company identified by `companyKey` (a lead's identity key or id);
 * null when there is neither.
 */
export const contactIdentity = (
  contact: {
    readonly email?: string | null | undefined
    readonly firstName?: string | null | undefined
    readonly lastName?: string | null | undefined
  },
  companyKey: string
): ContactIdentity | null => {
  if (contact.email !== null && contact.email !== undefined && contact.email.trim() !== "") {
    const { normalized } = validateEmail(contact.email.trim())
    if (normalized !== null) {
      const email = normalized.toLowerCase()
      return { kind: "email", value: email, key: `email:${email}` }
    }
  }
  const name = personName(contact.firstName, contact.lastName)
  if (name.length === 0) return null
  return { kind: "name", value: name, key: `name:${companyKey}:${name}` }
}

// ---------------------------------------------------------------------------------------------------------------
// Merging

/** Fields that say what a record is rather than what it knows; the merge keeps a's. */
const IDENTITY_FIELDS: ReadonlySet<string> = new Set([
  "id",
  "organizationId",
  "leadId",
  "createdAt",
  "updatedAt",
  "version",
  "provenance",
  // derived from the other fields and recomputed after a merge
  "leadScore",
  "grade"
])

/** User-entered and imported facts beat what a model or a research task inferred. */
const ORIGIN_RANK: Record<FieldOrigin, number> = { user: 3, import: 2, system: 2, research: 1, llm: 1 }
const ORIGIN_LABEL: Record<FieldOrigin, string> = {
  user: "user-entered",
  import: "imported",
  system: "system-set",
  research: "found by research",
  llm: "enriched by an LLM"
}

const isEmpty = (value: unknown): boolean =>
  value === null ||
  value === undefined ||
  (typeof value === "string" && value.trim() === "") ||
  (Array.isArray(value) && value.length === 0)

const stable = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof Date)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : 1)))
      : v
  ) ?? "undefined"

const sameValue = (x: unknown, y: unknown): boolean =>
  x === y || (x instanceof Date && y instanceof Date ? x.getTime() === y.getTime() : stable(x) === stable(y))

interface Side {
  readonly origin: FieldOrigin
  readonly confidence: number
  readonly observedAt: Date
}

const sideOf = (record: Mergeable, field: string): Side => {
  const entry: FieldProvenance | undefined = record.provenance[field]
  return entry === undefined
    ? { origin: "user", confidence: 100, observedAt: record.updatedAt }
    : { origin: entry.origin, confidence: entry.confidence, observedAt: entry.observedAt }
}

const choose = (a: Side, b: Side): { readonly winner: "a" | "b"; readonly reason: string } => {
  if (ORIGIN_RANK[a.origin] !== ORIGIN_RANK[b.origin]) {
    const [winner, w, l] =
      ORIGIN_RANK[a.origin] > ORIGIN_RANK[b.origin] ? (["a", a, b] as const) : (["b", b, a] as const)
    return { winner, reason: `${ORIGIN_LABEL[w.origin]} beats ${ORIGIN_LABEL[l.origin]}` }
  }
  if (a.confidence !== b.confidence) {
    const [winner, w, l] = a.confidence > b.confidence ? (["a", a, b] as const) : (["b", b, a] as const)
    return { winner, reason: `confidence ${w.confidence} beats ${l.confidence}` }
  }
  if (a.observedAt.getTime() !== b.observedAt.getTime()) {
    const [winner, w, l] =
      a.observedAt.getTime() > b.observedAt.getTime() ? (["a", a, b] as const) : (["b", b, a] as const)
    return {
      winner,
      reason: `newer (${w.observedAt.toISOString()}) beats older (${l.observedAt.toISOString()})`
    }
  }
  return { winner: "a", reason: "equally trusted and equally recent: the surviving record keeps its value" }
}

const union = (x: ReadonlyArray<unknown>, y: ReadonlyArray<unknown>): Array<unknown> => {
  const seen = new Set<string>()
  const out: Array<unknown> = []
  for (const item of [...x, ...y]) {
    const key = typeof item === "string" ? `s:${item.toLowerCase()}` : stable(item)
    if (!seen.has(key)) {
      seen.add(key)
      out.push(item)
    }
  }
  return out
}

export interface MergeOptions<T> {
  /** Only these fields are merged; the rest keep a's values. Defaults to every field but identity and derived ones. */
  readonly fields?: ReadonlyArray<keyof T & string>
  /**
   * Fields that travel together, decided by the first one (e.g. `["email", "emailStatus", "emailConfidence"]`):
   * a record's email must not end up with the other record's verification status.
   */
  readonly groups?: ReadonlyArray<ReadonlyArray<keyof T & string>>
}

/**
 * Merges b into a, field by field; a keeps its identity (id, organizationId, createdAt, version) and derived fields
 * are left for a rescore. For each field whose values differ:
 * - a value beats an empty one;
 * - lists (tags, product interests) are unioned and `notes` are joined, both kept;
 * - `confidence` takes the higher of the two;
 * - otherwise user-entered (no provenance, or origin `user`) beats imported beats enriched (llm, research); then
 *   the higher provenance confidence wins; then the newer observation; a full tie keeps a.
 * The merged provenance follows the winning values. Pure: planMerge(a, a) changes nothing and decides nothing.
 */
export const planMerge = <T extends Mergeable>(a: T, b: T, options: MergeOptions<T> = {}): MergePlan<T> => {
  const fields =
    options.fields ?? (Object.keys(a) as Array<keyof T & string>).filter((field) => !IDENTITY_FIELDS.has(field))
  const groupOf = new Map<string, ReadonlyArray<string>>()
  for (const group of options.groups ?? []) {
    for (const field of group) groupOf.set(field, group)
  }
  const source = a as unknown as Record<string, unknown>
  const other = b as unknown as Record<string, unknown>
  const merged: Record<string, unknown> = { ...source }
  const provenance: Record<string, FieldProvenance> = { ...a.provenance }
  const decisions: Array<MergeDecision> = []
  const decided = new Set<string>()

  const take = (field: string, winner: "a" | "b", reason: string) => {
    const from = winner === "a" ? a : b
    const value = (from as unknown as Record<string, unknown>)[field]
    merged[field] = value
    const entry = from.provenance[field]
    if (entry === undefined) delete provenance[field]
    else provenance[field] = entry
    decisions.push({ field, winner, value, reason })
  }

  for (const field of fields) {
    if (decided.has(field)) continue
    const x = source[field]
    const y = other[field]
    const group = groupOf.get(field)
    if (group !== undefined && group[0] === field) {
      for (const member of group) decided.add(member)
      const differs = group.some((member) => !sameValue(source[member], other[member]))
      if (!differs) continue
      const lead = group[0] as string
      const { winner, reason } = isEmpty(x)
        ? { winner: "b" as const, reason: `a has no ${lead}; b's value fills it` }
        : isEmpty(y)
          ? { winner: "a" as const, reason: `b has no ${lead}; a's value stays` }
          : choose(sideOf(a, lead), sideOf(b, lead))
      for (const member of group) {
        if (!sameValue(source[member], other[member])) {
          take(member, winner, member === lead ? reason : `follows ${lead}: ${reason}`)
        }
      }
      continue
    }
    decided.add(field)
    if (sameValue(x, y)) continue
    if (isEmpty(y)) {
      decisions.push({ field, winner: "a", value: x, reason: `b has no ${field}; a's value stays` })
      continue
    }
    if (isEmpty(x)) {
      take(field, "b", `a has no ${field}; b's value fills it`)
      continue
    }
    if (Array.isArray(x) && Array.isArray(y)) {
      const value = union(x, y)
      merged[field] = value
      decisions.push({ field, winner: "both", value, reason: "lists are combined: the union of both" })
      continue
    }
    if (field === "notes" && typeof x === "string" && typeof y === "string") {
      const value = `${x}\n\n${y}`
      merged[field] = value
      decisions.push({ field, winner: "both", value, reason: "notes are kept from both records" })
      continue
    }
    if (field === "confidence" && typeof x === "number" && typeof y === "number") {
      const winner = x >= y ? "a" : "b"
      merged[field] = Math.max(x, y)
      decisions.push({ field, winner, value: Math.max(x, y), reason: "the higher record confidence is kept" })
      continue
    }
    const { winner, reason } = choose(sideOf(a, field), sideOf(b, field))
    take(field, winner, reason)
  }
  merged.provenance = provenance
  return { merged: merged as unknown as T, decisions }
}
