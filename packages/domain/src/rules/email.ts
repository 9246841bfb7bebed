import { normalizeDomain } from "./domain.js"
import { disposableDomains, freeProviderBrands, freeProviderDomains, roleLocalParts } from "./emailLists.js"
import { boundedMemo } from "./memo.js"
import { toAsciiLabel } from "./punycode.js"

export type EmailStatusVerdict = "valid" | "risky" | "invalid"

export type EmailReason =
  | "empty"
  | "missing_at"
  | "local_part_empty"
  | "local_part_too_long"
  | "address_too_long"
  | "quoted_local_part"
  | "comment"
  | "folding_whitespace"
  | "address_literal"
  | "invalid_local_part"
  | "invalid_domain"
  | "domain_label_too_long"
  | "domain_not_registrable"
  | "disposable_domain"
  | "role_account"
  | "free_provider"

export interface EmailValidation {
  readonly status: EmailStatusVerdict
  /** `local@domain`, domain lower-case and punycoded; null when the address is invalid. */
  readonly normalized: string | null
  readonly reasons: ReadonlyArray<EmailReason>
  readonly disposable: boolean
  readonly role: boolean
  readonly freeProvider: boolean
}

/** RFC 5322 dot-atom of atext (ASCII only: an SMTPUTF8 local part is not accepted for a lead). */
const DOT_ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/
/** LDH label (RFC 1035/5890 A-label form). */
const LDH_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/
const NUMERIC = /^[0-9]+$/
const WHITESPACE = /\s/

const MAX_LOCAL = 64
const MAX_ADDRESS = 254
const MAX_LABEL = 63

const invalid = (reason: EmailReason) => ({
  validation: {
    status: "invalid",
    normalized: null,
    reasons: [reason],
    disposable: false,
    role: false,
    freeProvider: false
  } satisfies EmailValidation as EmailValidation,
  registrable: null
})

const isDisposable = (domain: string): boolean => {
  let current = domain
  for (;;) {
    if (disposableDomains.has(current)) return true
    const dot = current.indexOf(".")
    if (dot < 0) return false
    current = current.slice(dot + 1)
  }
}

const isRole = (local: string): boolean => {
  const lower = local.toLowerCase()
  const plus = lower.indexOf("+")
  return roleLocalParts.has(plus > 0 ? lower.slice(0, plus) : lower)
}

const isFreeProvider = (registrable: string): boolean =>
  freeProviderDomains.has(registrable) || freeProviderBrands.has(registrable.slice(0, registrable.indexOf(".")))

/** The domain in ASCII (lower-case, NFC, punycode), or the reason it is not a valid host name. */
const asciiDomain = (domain: string): string | EmailReason => {
  const labels = domain.normalize("NFC").toLowerCase().split(".")
  if (labels.length < 1) return "invalid_domain"
  for (let i = 0; i < labels.length; i++) {
    const label = toAsciiLabel(labels[i] ?? "")
    if (label.length > MAX_LABEL) return "domain_label_too_long"
    if (!LDH_LABEL.test(label)) return "invalid_domain"
    labels[i] = label
  }
  if (NUMERIC.test(labels[labels.length - 1] ?? "")) return "invalid_domain"
  return labels.join(".")
}

interface DomainFacts {
  readonly ascii: string
  readonly registrable: string
  readonly disposable: boolean
  readonly freeProvider: boolean
}

/** What the address's domain alone decides, memoized per domain string. */
const domainFacts = boundedMemo((domain: string): DomainFacts | EmailReason => {
  const ascii = asciiDomain(domain)
  if (ascii === "invalid_domain" || ascii === "domain_label_too_long") return ascii
  const registrable = normalizeDomain(ascii)
  if (registrable === null) return "domain_not_registrable"
  return { ascii, registrable, disposable: isDisposable(ascii), freeProvider: isFreeProvider(registrable) }
})

/**
 * Validates an address as a mail system would accept it for a person at a company. Only a dot-atom
 * local part is accepted: quoted local parts, comments, (folding) whitespace and address literals are
 * legal in RFC 5322 but are invalid for a lead, each with its own reason. The input is not trimmed.
 * The domain must have a registrable domain by the PSL. Disposable domains and role accounts make an
 * address `risky`; a free provider is only flagged.
 */
export const validateEmail = (input: string): EmailValidation => checkEmail(input).validation

/** validateEmail plus the address's registrable domain (null when invalid), for callers that need both. */
export const checkEmail = (
  input: string
): { readonly validation: EmailValidation; readonly registrable: string | null } => {
  if (input.length === 0) return invalid("empty")
  if (input.includes("(") || input.includes(")")) return invalid("comment")
  const at = input.lastIndexOf("@")
  if (at >= 0 && input.slice(0, at).includes('"')) return invalid("quoted_local_part")
  if (WHITESPACE.test(input)) return invalid("folding_whitespace")
  if (at < 0) return invalid("missing_at")
  const local = input.slice(0, at)
  const domain = input.slice(at + 1)
  if (domain.startsWith("[")) return invalid("address_literal")
  if (local.length === 0) return invalid("local_part_empty")
  if (!DOT_ATOM.test(local)) return invalid("invalid_local_part")
  if (local.length > MAX_LOCAL) return invalid("local_part_too_long")
  if (domain.length === 0) return invalid("invalid_domain")
  // The ASCII form is never shorter, so this check may precede the (memoized) domain analysis.
  if (local.length + 1 + domain.length > MAX_ADDRESS) return invalid("address_too_long")
  const facts = domainFacts(domain)
  if (typeof facts === "string") return invalid(facts)
  const { ascii, disposable, freeProvider, registrable } = facts
  const normalized = `${local}@${ascii}`
  if (normalized.length > MAX_ADDRESS) return invalid("address_too_long")
  const role = isRole(local)
  const reasons: Array<EmailReason> = []
  if (disposable) reasons.push("disposable_domain")
  if (role) reasons.push("role_account")
  if (freeProvider) reasons.push("free_provider")
  const status = disposable || role ? "risky" : "valid"
  return { validation: { status, normalized, reasons, disposable, role, freeProvider }, registrable }
}
