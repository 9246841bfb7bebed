import { isIP } from "node:net"
import type { WebFetchReason } from "@leadforge/domain"
import ipaddr from "ipaddr.js"

/**
 * Cloud metadata services. Most fall in ranges refused anyway (169.254.0.0/16, fd00::/8, 100.64.0.0/10); they are
 * named so a change to the range rules cannot let them through.
 */
const METADATA_ADDRESSES = new Set([
  "169.254.169.254", // AWS, GCP, Azure, OpenStack, DigitalOcean
  "169.254.170.2", // AWS ECS task metadata
  "100.100.100.200", // Alibaba Cloud
  "192.0.0.192", // Oracle Cloud (legacy)
  "fd00:ec2::254" // AWS over IPv6
])

/**
 * Why an address must not be reached, or null when it is a public unicast address. Everything ipaddr.js does not
 * call `unicast` is refused: loopback, private, link-local, CGNAT, multicast, broadcast, unspecified, reserved and
 * documentation ranges, IPv6 unique-local and link-local, IPv4-mapped and IPv4-embedding forms (NAT64, 6to4,
 * Teredo), and the metadata addresses.
 */
export const refusedAddressRange = (address: string): string | null => {
  if (!ipaddr.isValid(address)) return "not an IP address"
  const parsed = ipaddr.parse(address)
  if (METADATA_ADDRESSES.has(parsed.toNormalizedString()) || METADATA_ADDRESSES.has(parsed.toString())) {
    return "cloud metadata"
  }
  const range = parsed.range()
  return range === "unicast" ? null : range
}

/** A `host:port` pair of WEB_FETCH_ALLOW, normalised ("[::1]:8080" keeps its brackets, names lower case). */
export const allowKey = (hostname: string, port: number) => `${hostname.toLowerCase()}:${port}`

/**
 * Parses WEB_FETCH_ALLOW entries, `host:port` or `host:port=address` (the name is then not resolved but connected
 * to that address, like curl's `--resolve`); returns the bad entries separately so the setting can name them.
 */
export const parseAllowList = (
  entries: ReadonlyArray<string>
): {
  readonly pairs: ReadonlySet<string>
  readonly pinned: ReadonlyMap<string, string>
  readonly invalid: ReadonlyArray<string>
} => {
  const pairs = new Set<string>()
  const pinned = new Map<string, string>()
  const invalid: Array<string> = []
  for (const entry of entries) {
    const match = /^(\[[0-9a-f:.]+\]|[^\s:/@[\]=]+):(\d{1,5})(?:=([0-9a-f:.]+))?$/i.exec(entry.trim())
    const port = match === null ? Number.NaN : Number(match[2])
    const address = match?.[3]
    if (match === null || port < 1 || port > 65_535 || (address !== undefined && isIP(address) === 0)) {
      invalid.push(entry)
      continue
    }
    pairs.add(allowKey(match[1] as string, port))
    if (address !== undefined) pinned.set((match[1] as string).toLowerCase(), address)
  }
  return { pairs, pinned, invalid }
}

export interface UrlRefusal {
  readonly reason: WebFetchReason
  readonly detail: string
}

export interface CheckedUrl {
  readonly url: URL
  /** The hostname without IPv6 brackets, as it is resolved and connected to. */
  readonly host: string
  readonly port: number
  /** Listed in WEB_FETCH_ALLOW: the address check is skipped (tests and development only). */
  readonly allowListed: boolean
}

/**
 * The checks a URL must pass before any connection: http(s) only, no user info, ports 80 and 443 only, and an IP
 * literal must be public. The WHATWG parser has already turned decimal, octal and hex IPv4 forms into dotted
 * quads ("http://2130706433/" is 127.0.0.1), so those are judged as the address they are. Names are judged when
 * they are resolved, at connection time.
 */
export const checkUrl = (raw: string, allow: ReadonlySet<string>): CheckedUrl | UrlRefusal => {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return { reason: "invalid_url", detail: "not an absolute URL" }
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return { reason: "scheme_not_allowed", detail: `${url.protocol} is not http or https` }
  }
  if (url.username !== "" || url.password !== "") {
    return { reason: "userinfo_not_allowed", detail: "URLs with a user name or password are refused" }
  }
  if (url.hostname === "") return { reason: "invalid_url", detail: "no host" }
  const port = url.port === "" ? (url.protocol === "https:" ? 443 : 80) : Number(url.port)
  const allowListed = allow.has(allowKey(url.hostname, port))
  if (!allowListed && port !== 80 && port !== 443) {
    return { reason: "port_not_allowed", detail: `port ${port} is not 80 or 443` }
  }
  const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname
  if (!allowListed && isIP(host) !== 0) {
    const refused = refusedAddressRange(host)
    if (refused !== null) return { reason: "address_refused", detail: `${host} is ${refused}` }
  }
  return { url, host, port, allowListed }
}

export const isRefusal = (checked: CheckedUrl | UrlRefusal): checked is UrlRefusal => "reason" in checked
