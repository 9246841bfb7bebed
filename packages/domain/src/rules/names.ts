/** Name clean-up for contacts: whitespace, casing of all-caps/all-lower names, splitting a full name. */

const SPACES = /\s+/g
const PARTICLES: ReadonlySet<string> = new Set([
  "van",
  "von",
  "der",
  "den",
  "de",
  "del",
  "della",
  "da",
  "das",
  "dos",
  "du",
  "di",
  "la",
  "le",
  "zu",
  "ter",
  "ten",
  "bin",
  "al"
])

const capitalize = (word: string): string => {
  if (word.length === 0) return word
  const lower = word.toLowerCase()
  // McDonald, MacLeod (Mac only for longer names: "Mack", "Mace" stay as they are)
  if (lower.startsWith("mc") && lower.length > 2) return `Mc${lower.charAt(2).toUpperCase()}${lower.slice(3)}`
  if (lower.startsWith("mac") && lower.length > 5 && !lower.startsWith("mach")) {
    return `Mac${lower.charAt(3).toUpperCase()}${lower.slice(4)}`
  }
  return lower.charAt(0).toUpperCase() + lower.slice(1)
}

/** Capitalizes each part of a word split on `-` and `'` (O'Neil, Jean-Luc, D'Angelo). */
const capitalizeWord = (word: string): string =>
  word
    .split("-")
    .map((part) =>
      part
        .split("'")
        .map((piece, i, pieces) =>
          pieces.length > 1 && i === 0 && piece.length > 1 ? capitalize(piece) : capitalize(piece)
        )
        .join("'")
    )
    .join("-")

const isSingleCase = (s: string): boolean => s === s.toUpperCase() || s === s.toLowerCase()

/**
 * Trims and collapses whitespace; an all-caps or all-lower name is title-cased (particles such as
 * `van der` stay lower-case after the first word); a mixed-case name is kept as written. Empty → null.
 */
export const cleanName = (input: string | null | undefined): string | null => {
  if (input === null || input === undefined) return null
  const collapsed = input.replace(SPACES, " ").trim()
  if (collapsed === "") return null
  if (!isSingleCase(collapsed)) return collapsed
  return collapsed
    .split(" ")
    .map((word, i) => (i > 0 && PARTICLES.has(word.toLowerCase()) ? word.toLowerCase() : capitalizeWord(word)))
    .join(" ")
}

/** `Jane Doe` → [Jane, Doe]; `Doe, Jane` → [Jane, Doe]; `Jane` → [Jane, null]; `Jane van der Berg` → [Jane, van der Berg]. */
export const splitFullName = (fullName: string): readonly [string | null, string | null] => {
  const comma = fullName.indexOf(",")
  if (comma > 0) return [cleanName(fullName.slice(comma + 1)), cleanName(fullName.slice(0, comma))]
  const cleaned = cleanName(fullName)
  if (cleaned === null) return [null, null]
  const space = cleaned.indexOf(" ")
  return space < 0 ? [cleaned, null] : [cleaned.slice(0, space), cleaned.slice(space + 1)]
}
