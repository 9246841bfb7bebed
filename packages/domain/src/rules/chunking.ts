/**
 * Splitting documents into chunks for embedding: plain text, Markdown, and HTML (stripped to text first).
 * Sections start at headings; inside a section paragraphs are packed up to `maxChars`, a paragraph longer than
 * that is split at sentence and then word boundaries, and each chunk after the first in a section starts with
 * the last `overlap` characters of the previous one so a fact cut in two is still found whole in one of them.
 * Every chunk carries its heading path as its first line, which is what a reader of a lone chunk needs.
 */
import type { ContentType } from "../model/Knowledge.js"

export interface ChunkOptions {
  /** Upper bound on a chunk's body length in characters (the heading line is added on top). */
  readonly maxChars: number
  /** Characters carried over from the previous chunk of the same section. */
  readonly overlap: number
}

export const DEFAULT_CHUNK_OPTIONS: ChunkOptions = { maxChars: 1000, overlap: 150 }

export interface TextChunk {
  readonly ordinal: number
  /** Heading path ("Pricing > Enterprise"), empty when the text has no heading above it. */
  readonly heading: string
  /** What gets embedded and shown: the heading path line, a blank line, then the body. */
  readonly text: string
}

interface Block {
  readonly kind: "heading" | "paragraph"
  readonly level: number
  readonly text: string
}

const ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
  ndash: "–",
  mdash: "—",
  hellip: "…",
  rsquo: "’",
  lsquo: "‘",
  rdquo: "”",
  ldquo: "“",
  copy: "©"
}

const decodeEntities = (text: string): string =>
  text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === "#") {
      const code = name[1] === "x" || name[1] === "X" ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1))
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole
    }
    return ENTITIES[name.toLowerCase()] ?? whole
  })

/** HTML to Markdown-ish text: drops scripts, styles and comments, keeps headings as `#` lines and blocks as paragraphs. */
export const htmlToText = (html: string): string =>
  decodeEntities(
    html
      .replace(/<!--[\s\S]*?-->/g, " ")
      .replace(/<(script|style|noscript|template|svg|head)\b[\s\S]*?<\/\1\s*>/gi, " ")
      .replace(/<h([1-6])\b[^>]*>([\s\S]*?)<\/h\1\s*>/gi, (_, level: string, inner: string) => {
        const text = inner
          .replace(/<[^>]*>/g, " ")
          .replace(/\s+/g, " ")
          .trim()
        return text === "" ? "\n\n" : `\n\n${"#".repeat(Number(level))} ${text}\n\n`
      })
      .replace(/<li\b[^>]*>/gi, "\n- ")
      .replace(/<br\s*\/?>/gi, "\n")
      .replace(
        /<\/?(p|div|section|article|header|footer|main|aside|nav|ul|ol|table|tr|blockquote|pre|dl|dt|dd|figure|form|hr)\b[^>]*>/gi,
        "\n\n"
      )
      .replace(/<\/?(td|th)\b[^>]*>/gi, " ")
      .replace(/<[^>]*>/g, "")
  )
    .replace(/[ \t\f\v\u00a0]+/g, " ")
    .replace(/ *\n */g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim()

const HEADING = /^(#{1,6})\s+(.+?)\s*#*\s*$/
const SETEXT = /^(=+|-+)\s*$/

/** Blocks separated by blank lines; Markdown ATX and setext headings become heading blocks. */
const toBlocks = (text: string, markdown: boolean): ReadonlyArray<Block> => {
  const blocks: Array<Block> = []
  const lines = text.replace(/\r\n?/g, "\n").split("\n")
  let paragraph: Array<string> = []
  let fenced = false
  const flush = () => {
    const body = paragraph.join("\n").trim()
    if (body !== "") blocks.push({ kind: "paragraph", level: 0, text: body })
    paragraph = []
  }
  for (const line of lines) {
    if (markdown && /^\s*(```|~~~)/.test(line)) fenced = !fenced
    const heading = markdown && !fenced ? HEADING.exec(line) : null
    if (heading) {
      flush()
      blocks.push({ kind: "heading", level: heading[1]!.length, text: heading[2]!.trim() })
    } else if (markdown && !fenced && paragraph.length === 1 && SETEXT.test(line) && paragraph[0]!.trim() !== "") {
      const title = paragraph[0]!.trim()
      paragraph = []
      blocks.push({ kind: "heading", level: line.trim()[0] === "=" ? 1 : 2, text: title })
    } else if (line.trim() === "" && !fenced) {
      flush()
    } else {
      paragraph.push(line)
    }
  }
  flush()
  return blocks
}

/** Cuts `text` into pieces of at most `max` characters at sentence, then word, then character boundaries. */
const splitLong = (text: string, max: number): ReadonlyArray<string> => {
  if (text.length <= max) return [text]
  const sentences = text.split(/(?<=[.!?…])\s+|\n+/).filter((s) => s.trim() !== "")
  const pieces: Array<string> = []
  let current = ""
  const push = (unit: string) => {
    if (current === "") current = unit
    else if (current.length + 1 + unit.length <= max) current = `${current} ${unit}`
    else {
      pieces.push(current)
      current = unit
    }
  }
  for (const sentence of sentences) {
    if (sentence.length <= max) {
      push(sentence)
      continue
    }
    for (const word of sentence.split(/\s+/)) {
      if (word.length <= max) push(word)
      else for (let i = 0; i < word.length; i += max) push(word.slice(i, i + max))
    }
  }
  if (current !== "") pieces.push(current)
  return pieces
}

/** The last `overlap` characters of `text`, starting at a word boundary. */
const tail = (text: string, overlap: number): string => {
  if (overlap <= 0 || text.length <= overlap) return overlap <= 0 ? "" : text
  const cut = text.slice(text.length - overlap)
  const space = cut.search(/\s/)
  return space === -1 ? cut : cut.slice(space + 1)
}

const optionsIssue = (options: ChunkOptions): string | null => {
  if (!Number.isInteger(options.maxChars) || options.maxChars < 100)
    return "maxChars must be an integer of at least 100"
  if (!Number.isInteger(options.overlap) || options.overlap < 0 || options.overlap * 2 > options.maxChars)
    return "overlap must be an integer between 0 and half of maxChars"
  return null
}

/**
 * Chunks a document. HTML is stripped to text first, Markdown headings start sections, plain text is split
 * at blank lines. Throws a RangeError for options out of range (callers pass constants).
 */
export const chunkDocument = (
  text: string,
  contentType: ContentType,
  options: ChunkOptions = DEFAULT_CHUNK_OPTIONS
): ReadonlyArray<TextChunk> => {
  const issue = optionsIssue(options)
  if (issue !== null) throw new RangeError(`chunk options: ${issue}`)
  const plain = contentType === "html" ? htmlToText(text) : text
  const blocks = toBlocks(plain, contentType !== "text")
  const chunks: Array<TextChunk> = []
  const path: Array<{ level: number; text: string }> = []
  let body = ""
  const heading = () => path.map((h) => h.text).join(" > ")
  const emit = () => {
    if (body.trim() === "") return
    const h = heading()
    chunks.push({ ordinal: chunks.length, heading: h, text: h === "" ? body : `${h}\n\n${body}` })
  }
  for (const block of blocks) {
    if (block.kind === "heading") {
      emit()
      while (path.length > 0 && path[path.length - 1]!.level >= block.level) path.pop()
      path.push({ level: block.level, text: block.text })
      body = ""
      continue
    }
    for (const piece of splitLong(block.text, options.maxChars)) {
      if (body === "") body = piece
      else if (body.length + 2 + piece.length <= options.maxChars) body = `${body}\n\n${piece}`
      else {
        emit()
        const carried = tail(body, options.overlap)
        body = carried !== "" && carried.length + 1 + piece.length <= options.maxChars ? `${carried} ${piece}` : piece
      }
    }
  }
  emit()
  return chunks
}

/** Why `text` does not look like a text document (NUL bytes, many control or replacement characters), or null. */
export const binaryContentReason = (text: string): string | null => {
  if (text.includes("\u0000")) return "contains NUL bytes; looks like a binary file"
  const sample = text.length > 65_536 ? text.slice(0, 65_536) : text
  let suspicious = 0
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i)
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 0xfffd) suspicious++
  }
  return sample.length > 0 && suspicious / sample.length > 0.01
    ? "has too many control or undecodable characters; looks like a binary file"
    : null
}
