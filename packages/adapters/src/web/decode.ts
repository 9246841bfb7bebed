import { promisify } from "node:util"
import * as zlib from "node:zlib"

const gunzip = promisify(zlib.gunzip)
const inflate = promisify(zlib.inflate)
const brotli = promisify(zlib.brotliDecompress)

export class DecodeError extends Error {
  constructor(
    readonly reason: "too_large" | "decode_failed",
    message: string
  ) {
    super(message)
  }
}

/** Undoes Content-Encoding (gzip, deflate, br), refusing output past `maxBytes` (a decompression bomb). */
export const decompress = async (body: Buffer, encoding: string, maxBytes: number): Promise<Buffer> => {
  const codings = encoding
    .toLowerCase()
    .split(",")
    .map((c) => c.trim())
    .filter((c) => c !== "" && c !== "identity")
  let out = body
  for (const coding of codings.reverse()) {
    try {
      if (coding === "gzip" || coding === "x-gzip") out = await gunzip(out, { maxOutputLength: maxBytes })
      else if (coding === "deflate") out = await inflate(out, { maxOutputLength: maxBytes })
      else if (coding === "br") out = await brotli(out, { maxOutputLength: maxBytes })
      else throw new DecodeError("decode_failed", `unsupported content encoding ${coding}`)
    } catch (error) {
      if (error instanceof DecodeError) throw error
      if (error instanceof RangeError || (error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") {
        throw new DecodeError("too_large", `more than ${maxBytes} bytes after decompression`)
      }
      throw new DecodeError("decode_failed", `${coding}: ${(error as Error).message}`)
    }
  }
  return out
}

/** A label TextDecoder knows, normalised, or undefined. */
const knownCharset = (label: string | undefined): string | undefined => {
  if (label === undefined || label.trim() === "") return undefined
  try {
    return new TextDecoder(label.trim()).encoding
  } catch {
    return undefined
  }
}

/** The charset parameter of a Content-Type header. */
export const headerCharset = (contentType: string | undefined) =>
  /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? "")?.[1]

/**
 * The charset to decode with, in the order HTML's encoding sniffing uses: a byte order mark, the header, a
 * `<meta charset>` / `<meta http-equiv=content-type>` or XML declaration in the first 1024 bytes, else UTF-8. A
 * label that names no known encoding is skipped (a page that declares "utf-9" is read as the next source says).
 */
export const detectCharset = (body: Buffer, contentType: string | undefined): string => {
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return "utf-8"
  if (body[0] === 0xfe && body[1] === 0xff) return "utf-16be"
  if (body[0] === 0xff && body[1] === 0xfe) return "utf-16le"
  const fromHeader = knownCharset(headerCharset(contentType))
  if (fromHeader !== undefined) return fromHeader
  const head = body.subarray(0, 1024).toString("latin1")
  const meta =
    /<meta[^>]+charset\s*=\s*["']?\s*([^"'\s/>;]+)/i.exec(head)?.[1] ??
    /<\?xml[^>]+encoding\s*=\s*["']([^"']+)["']/i.exec(head)?.[1]
  return knownCharset(meta) ?? "utf-8"
}

/** windows-1252's 0x80–0x9F (where it differs from ISO-8859-1); 0 where the byte is unassigned. */
const WINDOWS_1252_HIGH = [
  0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0, 0,
  0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178
]

/**
 * windows-1252 by table: Node 20's TextDecoder decodes it as ISO-8859-1 (0x96 as U+0096, not an en dash), and
 * it is the charset most mislabelled Western pages really use (HTML maps "latin1" and "iso-8859-1" to it).
 */
const decodeWindows1252 = (body: Buffer) => {
  let out = ""
  for (let start = 0; start < body.length; start += 8192) {
    const codes = Array.from(body.subarray(start, start + 8192), (byte) =>
      byte >= 0x80 && byte <= 0x9f ? WINDOWS_1252_HIGH[byte - 0x80] || byte : byte
    )
    out += String.fromCharCode(...codes)
  }
  return out
}

/** Decodes the body; bytes that are invalid in the charset become U+FFFD rather than failing the page. */
export const decodeText = (body: Buffer, charset: string) =>
  charset === "windows-1252" ? decodeWindows1252(body) : new TextDecoder(charset).decode(body)
