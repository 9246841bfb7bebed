import { UNSAFE_TEXT_MESSAGE, unsafeTextAt } from "@leadforge/domain"
import { FieldError } from "../contract/Problems.js"

/** The deepest nesting of arrays and objects a JSON body may have; real request bodies nest a few levels. */
export const MAX_JSON_DEPTH = 64

/**
 * Whether the JSON text nests arrays and objects deeper than `max`, found by a scan of the text before it is parsed:
 * the decoders after the parser walk values recursively, and 5,000 levels overflowed their stack.
 */
export const nestsDeeperThan = (text: string, max: number): boolean => {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c) i++
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true
    } else if (c === 0x5d || c === 0x7d) depth--
  }
  return false
}

/** Past this many unstorable strings in one body, the rest are not looked for. */
const MAX_UNSAFE_LISTED = 100

const unsafe = (field: string) => new FieldError({ field, code: "unsafe_text", message: UNSAFE_TEXT_MESSAGE })

/**
 * Every string of a parsed JSON body, keys included, that cannot be stored (a NUL, a lone surrogate), by its dotted
 * path: PostgreSQL refuses such text in every column and in jsonb, so this holds for every field of every request,
 * whatever its schema says (the first 100 found). The body's depth is bounded before it is parsed, so the
 * recursion is too.
 */
export const unsafeBodyFields = (value: unknown): Array<FieldError> => {
  const found: Array<FieldError> = []
  const visit = (node: unknown, path: string) => {
    if (found.length >= MAX_UNSAFE_LISTED) return
    if (typeof node === "string") {
      if (unsafeTextAt(node) !== -1) found.push(unsafe(path === "" ? "(root)" : path))
    } else if (Array.isArray(node)) {
      for (const [index, item] of node.entries()) visit(item, path === "" ? String(index) : `${path}.${index}`)
    } else if (typeof node === "object" && node !== null) {
      for (const [key, item] of Object.entries(node)) {
        const child = path === "" ? key : `${path}.${key}`
        if (unsafeTextAt(key) !== -1) found.push(unsafe(child))
        else visit(item, child)
      }
    }
  }
  visit(value, "")
  return found
}

/**
 * The query parameters of a URL whose names or values hold a NUL (`%00`): no parameter may. (A lone surrogate cannot
 * arrive in a URL: percent-decoding turns invalid UTF-8 into U+FFFD.)
 */
export const unsafeQueryFields = (url: string): Array<FieldError> => {
  const start = url.indexOf("?")
  if (start === -1 || !/%00/i.test(url.slice(start))) return []
  const found: Array<FieldError> = []
  for (const [name, value] of new URLSearchParams(url.slice(start + 1))) {
    if (unsafeTextAt(name) !== -1 || unsafeTextAt(value) !== -1) {
      const field = unsafeTextAt(name) === -1 ? name : name.split("\u0000").join("\\u0000")
      if (!found.some((error) => error.field === field)) found.push(unsafe(field))
    }
  }
  return found
}

/** At most this many characters of a value a client sent are echoed back in an error. */
export const MAX_ECHO = 100

/** A value a client sent, cut to MAX_ECHO characters for an error message. */
export const clip = (text: string, max: number = MAX_ECHO): string =>
  text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`
