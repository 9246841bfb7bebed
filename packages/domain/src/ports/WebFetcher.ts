import type { Effect } from "effect"
import { Context, Schema } from "effect"

/**
 * Why a page was not fetched. Stable codes: they are stored on tasks and data sources and may be matched by
 * clients.
 */
export const WebFetchReason = Schema.Literal(
  /** Not an absolute URL. */
  "invalid_url",
  /** Not http or https. */
  "scheme_not_allowed",
  /** Not port 80 or 443 (and not a WEB_FETCH_ALLOW pair). */
  "port_not_allowed",
  /** The URL carries a user name or password. */
  "userinfo_not_allowed",
  /** The host is, or resolves to, an address that must not be reached (loopback, private, metadata, …). */
  "address_refused",
  /** The name does not resolve. */
  "dns_failed",
  /** The connection could not be made or broke. */
  "unreachable",
  "connect_timeout",
  "headers_timeout",
  /** The whole body did not arrive in time (a site that trickles bytes). */
  "body_timeout",
  /** Larger than the per-response limit (before or after decompression). */
  "too_large",
  /** Not HTML, plain text or XHTML (or the type the caller asked for). */
  "content_type_refused",
  /** The site answered 4xx or 5xx. */
  "http_error",
  "too_many_redirects",
  /** robots.txt does not allow Leadforge to read this path. */
  "robots_disallowed",
  /** robots.txt answered 5xx: the site is treated as closed to crawlers for now. */
  "robots_unavailable",
  /** The body could not be decompressed. */
  "decode_failed"
)
export type WebFetchReason = typeof WebFetchReason.Type

/** Reasons another attempt later may fix; the others are a property of the site or of the URL. */
export const isTransientWebFetchReason = (reason: WebFetchReason): boolean =>
  ["dns_failed", "unreachable", "connect_timeout", "headers_timeout", "body_timeout", "robots_unavailable"].includes(
    reason
  )

export class WebFetchFailed extends Schema.TaggedError<WebFetchFailed>()("WebFetchFailed", {
  url: Schema.String,
  reason: WebFetchReason,
  detail: Schema.String,
  /** The HTTP status, for http_error. */
  status: Schema.optional(Schema.Int)
}) {
  readonly code = "web_fetch_failed"
  override get message() {
    return `could not fetch ${this.url}: ${this.reason} (${this.detail})`
  }
}

/** What a fetch may be asked for: a page (HTML, plain text, XHTML) or a sitemap (XML as well). */
export type WebFetchPurpose = "page" | "sitemap"

export interface WebFetchOptions {
  readonly purpose?: WebFetchPurpose
  /** Revalidation: sent as If-None-Match / If-Modified-Since; a 304 answer is a page with `notModified`. */
  readonly etag?: string | null
  readonly lastModified?: string | null
}

/** One fetched response, decoded to text. Never a partial body: a fetch that is cut off fails instead. */
export interface FetchedPage {
  readonly requestedUrl: string
  /** The URL after redirects. */
  readonly url: string
  readonly status: number
  /** True for a 304 answer to a revalidation; `body` is then empty. */
  readonly notModified: boolean
  /** The media type without parameters, lower case ("text/html"). */
  readonly contentType: string
  readonly charset: string
  readonly body: string
  /** Bytes received after decompression. */
  readonly bytes: number
  readonly etag: string | null
  readonly lastModified: string | null
  readonly fetchedAt: Date
}

export declare namespace WebFetcher {
  export interface Service {
    /**
     * Fetches one public URL politely (robots.txt, a delay per host, one request at a time per host) and safely
     * (only public addresses, each redirect checked again, size and time limits).
     */
    readonly fetch: (url: string, options?: WebFetchOptions) => Effect.Effect<FetchedPage, WebFetchFailed>
  }
}

export class WebFetcher extends Context.Tag("@leadforge/domain/WebFetcher")<WebFetcher, WebFetcher.Service>() {}

/** A crawl ran where no WebFetcher (or PageExtractor) was provided. */
export class WebResearchNotConfigured extends Schema.TaggedError<WebResearchNotConfigured>()(
  "WebResearchNotConfigured",
  {}
) {
  readonly code = "web_not_configured"
  override get message() {
    return "website research is not available in this process (no web fetcher is configured)"
  }
}
