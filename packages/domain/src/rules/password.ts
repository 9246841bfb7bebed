import { dictionary } from "@zxcvbn-ts/language-common"

/**
 * The password policy of NIST SP 800-63B §3.1.1.2: at least 12 characters, no composition rules, any Unicode, no
 * truncation, and no value that a blocklist of commonly used passwords holds. Characters are Unicode code points of
 * the NFKC form (an emoji is one character, a composed and a decomposed "é" are the same password).
 */
export const PASSWORD_MIN_LENGTH = 12

/**
 * The longest password accepted, so that one request cannot make the server hash megabytes; far above the 64
 * characters NIST asks verifiers to allow. A longer password is refused, never cut short.
 */
export const PASSWORD_MAX_LENGTH = 1024

export type PasswordProblemCode = "too_short" | "too_long" | "common" | "repetitive" | "sequential" | "contains_email"

export interface PasswordProblem {
  readonly code: PasswordProblemCode
  readonly message: string
}

/** zxcvbn-ts's list of common passwords (from breach corpora), lower-cased. */
let commonPasswords: ReadonlySet<string> | undefined
const common = (): ReadonlySet<string> => {
  commonPasswords ??= new Set(dictionary["passwords-common"].map((word) => word.toLowerCase()))
  return commonPasswords
}

/** The form a password is hashed and checked in: NFKC, as SP 800-63B §3.1.1.2 recommends. */
export const normalizePassword = (password: string): string => password.normalize("NFKC")

/** Its length in Unicode code points. */
export const passwordLength = (password: string): number => [...normalizePassword(password)].length

/** Whether the whole value is one short unit repeated ("aaaaaaaaaaaa", "abcabcabcabc", "passwordpassword"). */
const isRepetitive = (chars: ReadonlyArray<string>): boolean => {
  for (let unit = 1; unit <= chars.length / 2; unit++) {
    if (chars.length % unit !== 0) continue
    let repeats = true
    for (let i = unit; i < chars.length && repeats; i++) repeats = chars[i] === chars[i - unit]
    if (repeats) return true
  }
  return false
}

/** Whether every code point follows the previous one by the same step of ±1 ("123456789012" wraps 9 → 0). */
const isSequential = (chars: ReadonlyArray<string>): boolean => {
  const points = chars.map((c) => c.codePointAt(0)!)
  const step = (a: number, b: number) => (a === 57 && b === 48 ? 1 : a === 48 && b === 57 ? -1 : b - a)
  const first = step(points[0]!, points[1]!)
  if (first !== 1 && first !== -1) return false
  for (let i = 2; i < points.length; i++) if (step(points[i - 1]!, points[i]!) !== first) return false
  return true
}

/** A common password with digits or symbols around it ("password2024!", "!!qwerty123456"). */
const isDecoratedCommon = (lower: string): boolean => {
  const core = lower.replace(/^[\p{N}\p{P}\p{S}\p{Z}]+|[\p{N}\p{P}\p{S}\p{Z}]+$/gu, "")
  return core.length >= 4 && core !== lower && common().has(core)
}

/**
 * Every way `password` breaks the policy (empty when it is acceptable). `context.email` is the account's address:
 * a password that contains its local part (4 characters or more) is refused, since it is the first thing guessed.
 */
export const passwordProblems = (
  password: string,
  context: { readonly email?: string } = {}
): ReadonlyArray<PasswordProblem> => {
  const chars = [...normalizePassword(password)]
  if (chars.length < PASSWORD_MIN_LENGTH) {
    return [{ code: "too_short", message: `must be at least ${PASSWORD_MIN_LENGTH} characters` }]
  }
  if (chars.length > PASSWORD_MAX_LENGTH) {
    return [{ code: "too_long", message: `must be at most ${PASSWORD_MAX_LENGTH} characters` }]
  }
  const lower = chars.join("").toLowerCase()
  const problems: Array<PasswordProblem> = []
  if (common().has(lower) || isDecoratedCommon(lower)) {
    problems.push({ code: "common", message: "is a commonly used password; choose another" })
  }
  if (isRepetitive([...lower])) {
    problems.push({ code: "repetitive", message: "must not be one short sequence repeated" })
  } else if (isSequential(chars)) {
    problems.push({ code: "sequential", message: "must not be a run of consecutive characters" })
  }
  const local = context.email?.split("@")[0]?.toLowerCase()
  if (local !== undefined && local.length >= 4 && lower.includes(local)) {
    problems.push({ code: "contains_email", message: "must not contain the email address" })
  }
  return problems
}
