import { getDomain } from "tldts"
import { toAsciiHost } from "./punycode.js"

/**
 * The PSL is used with its private section (`allowPrivateDomains`), the semantics of the PSL's own
 * `checkPublicSuffix` tests: `acme.github.io` is a registrable domain of its own, not `github.io`.
 * Unlisted TLDs follow the PSL's default rule `*`, so `example.example` is registrable.
 */
const TLDTS_OPTIONS = { allowPrivateDomains: true, detectIp: true, validateHostname: true } as const

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/
const HOST_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/

/** Extracts the host from a URL, `host:port/path`, or `local@host`; lower-case, NFC, no trailing dot. */
const extractHost = (input: string): string | null => {
  let s = input.trim()
  if (s === "") return null
  const at = s.lastIndexOf("@")
  if (at >= 0 && !SCHEME.test(s)) s = s.slice(at + 1)
  s = s.replace(SCHEME, "")
  if (s.startsWith("//")) s = s.slice(2)
  const end = s.search(/[/?#]/)
  if (end >= 0) s = s.slice(0, end)
  const userinfo = s.lastIndexOf("@")
  if (userinfo >= 0) s = s.slice(userinfo + 1)
  if (s.startsWith("[")) return null // IPv6 literal
  const colon = s.indexOf(":")
  if (colon >= 0) s = s.slice(0, colon)
  if (s.endsWith(".")) s = s.slice(0, -1)
  if (s === "" || s.startsWith(".") || s.includes("..")) return null
  return s.normalize("NFC").toLowerCase()
}

/**
 * The registrable domain (eTLD+1 by the Public Suffix List) of a URL, host or email domain,
 * lower-case ASCII (IDNs in punycode), or null when there is none (localhost, a bare name, an IP
 * address, a public suffix on its own).
 *
 *   normalizeDomain("https://www.Blog.Acme.co.uk/x") // "acme.co.uk"
 */
export const normalizeDomain = (input: string | null | undefined): string | null => {
  if (input === null || input === undefined) return null
  const unicodeHost = extractHost(input)
  if (unicodeHost === null || IPV4.test(unicodeHost)) return null
  const host = toAsciiHost(unicodeHost)
  const labels = host.split(".")
  for (const label of labels) if (!HOST_LABEL.test(label)) return null
  if (/^\d+$/.test(labels[labels.length - 1] ?? "")) return null
  // Look up the Unicode form (the PSL lists IDN rules in Unicode); the result is then punycoded.
  const registrable =
    getDomain(unicodeHost, TLDTS_OPTIONS) ?? (host === unicodeHost ? null : getDomain(host, TLDTS_OPTIONS))
  return registrable === null ? null : toAsciiHost(registrable)
}
