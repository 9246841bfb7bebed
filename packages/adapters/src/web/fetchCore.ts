import type { IncomingHttpHeaders } from "node:http"
import type { FetchedPage, WebFetchOptions, WebFetchReason } from "@leadforge/domain"
import robotsParserModule from "robots-parser"
import { Agent, request } from "undici"
import { type CheckedUrl, checkUrl, isRefusal } from "./addressPolicy.js"
import { DecodeError, decodeText, decompress, detectCharset } from "./decode.js"
import { HostScheduler } from "./HostScheduler.js"
import { AddressRefusedError, connectLookup, type Resolver, systemResolver } from "./resolver.js"

export interface FetchSettings {
  /** WEB_FETCH_ALLOW `host:port` pairs that skip the port and address checks (tests and development only). */
  readonly allow: ReadonlySet<string>
  /** WEB_FETCH_ALLOW names given an address (`host:port=address`): connected to it without a lookup. */
  readonly pinned?: ReadonlyMap<string, string>
  /** The User-Agent header; its product token ("Leadforge") is what robots.txt rules are matched against. */
  readonly userAgent: string
  /** Delay between two requests to one host when robots.txt names none. */
  readonly crawlDelayMs: number
  readonly connectTimeoutMs: number
  readonly headersTimeoutMs: number
  /** The whole body must arrive within this time (a trickling site is cut off). */
  readonly bodyTimeoutMs: number
  /** Per response, before and after decompression. */
  readonly maxBytes: number
  /** Media types accepted for pages. */
  readonly contentTypes: ReadonlyArray<string>
}

export interface FetchCoreOptions extends FetchSettings {
  /** The resolver names are checked with; the system's by default, a table in tests. */
  readonly resolver?: Resolver
  /** Called on every name lookup (tests count them). */
  readonly onLookup?: (hostname: string) => void
}

/** robots-parser is CommonJS: its default import is the function its types put under `default`. */
const robotsParser = robotsParserModule as unknown as typeof robotsParserModule.default

export const MAX_REDIRECTS = 5
/** robots.txt is cached this long per origin (RFC 9309 asks for at most 24 hours). */
const ROBOTS_TTL_MS = 24 * 60 * 60 * 1000
/** A robots.txt crawl delay longer than this is taken as this. */
const MAX_CRAWL_DELAY_MS = 30_000
const ROBOTS_AGENT = "Leadforge"
const SITEMAP_TYPES = ["application/xml", "text/xml"]

export class FetchError extends Error {
  constructor(
    readonly reason: WebFetchReason,
    readonly detail: string,
    readonly status?: number
  ) {
    super(`${reason}: ${detail}`)
  }
}

interface Robots {
  readonly allows: (url: string) => boolean
  readonly delayMs: number | undefined
}

const allowAll: Robots = { allows: () => true, delayMs: undefined }

type Exchange =
  | { readonly _tag: "Redirect"; readonly location: string; readonly status: number }
  | { readonly _tag: "NotModified"; readonly headers: IncomingHttpHeaders }
  | {
      readonly _tag: "Body"
      readonly status: number
      readonly headers: IncomingHttpHeaders
      readonly contentType: string
      readonly body: Buffer
    }

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name]
  return Array.isArray(value) ? value[0] : value
}

/** Drops a body not to be read; the abort it causes is expected, not an error anyone handles. */
const discard = (body: NodeJS.ReadableStream & { destroy: () => void }) => {
  body.on("error", () => undefined)
  body.destroy()
}

const mediaType = (contentType: string | undefined) => (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? ""

/** The error, or one in its cause chain, that says what went wrong. */
const rootCause = (error: unknown): FetchError => {
  let current: unknown = error
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    if (current instanceof FetchError) return current
    if (current instanceof AddressRefusedError) return new FetchError("address_refused", current.message)
    const code = (current as { code?: string }).code
    switch (code) {
      case "ENOTFOUND":
      case "EAI_AGAIN":
      case "EAI_NONAME":
      case "EAI_FAIL":
        return new FetchError("dns_failed", (current as Error).message)
      case "UND_ERR_CONNECT_TIMEOUT":
        return new FetchError("connect_timeout", "the connection was not made in time")
      case "UND_ERR_HEADERS_TIMEOUT":
        return new FetchError("headers_timeout", "the response headers did not arrive in time")
      case "UND_ERR_BODY_TIMEOUT":
        return new FetchError("body_timeout", "the body stopped arriving")
    }
    current = (current as { cause?: unknown }).cause
  }
  return new FetchError("unreachable", error instanceof Error ? error.message : String(error))
}

/** The fetcher without Effect: promises and AbortSignals, wrapped by the WebFetcher layer. */
export const makeFetchCore = (options: FetchCoreOptions) => {
  const resolver = options.resolver ?? systemResolver
  const pinned = options.pinned ?? new Map<string, string>()
  const allowedResolver: Resolver = (hostname) => {
    const address = pinned.get(hostname.toLowerCase())
    return address === undefined
      ? resolver(hostname)
      : Promise.resolve([{ address, family: address.includes(":") ? 6 : 4 }])
  }
  const agentFor = (check: boolean) =>
    new Agent({
      connect: {
        lookup: connectLookup(check ? resolver : allowedResolver, check, options.onLookup),
        timeout: options.connectTimeoutMs
      },
      headersTimeout: options.headersTimeoutMs,
      bodyTimeout: options.bodyTimeoutMs,
      // one connection per origin: one request at a time per host, and one lookup for a site's requests
      connections: 1
    })
  const checkedAgent = agentFor(true)
  const allowedAgent = agentFor(false)
  const scheduler = new HostScheduler()
  const robotsCache = new Map<
    string,
    { readonly robots: Promise<Robots>; readonly expiresAt: number; delayMs: number | undefined }
  >()

  const delayFor = (origin: string) => () => {
    const cached = robotsCache.get(origin)
    return cached?.delayMs ?? options.crawlDelayMs
  }

  /** One request and its whole body, in the host's turn; never a partial body. */
  const exchange = (
    checked: CheckedUrl,
    accepted: ReadonlyArray<string> | "any",
    extraHeaders: Record<string, string>,
    signal: AbortSignal | undefined
  ): Promise<Exchange> =>
    scheduler.run(
      checked.url.host,
      delayFor(checked.url.origin),
      async () => {
        const controller = new AbortController()
        const onAbort = () => controller.abort(signal?.reason)
        signal?.addEventListener("abort", onAbort, { once: true })
        let bodyTimedOut = false
        let timer: NodeJS.Timeout | undefined
        try {
          const response = await request(checked.url, {
            dispatcher: checked.allowListed ? allowedAgent : checkedAgent,
            method: "GET",
            headers: {
              "user-agent": options.userAgent,
              accept: "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1",
              "accept-encoding": "gzip, br",
              ...extraHeaders
            },
            signal: controller.signal
          })
          const { statusCode: status, headers } = response
          const location = header(headers, "location")
          if (status >= 300 && status < 400 && status !== 304 && location !== undefined) {
            await response.body.dump()
            return { _tag: "Redirect", location, status }
          }
          if (status === 304) {
            await response.body.dump()
            return { _tag: "NotModified", headers }
          }
          if (status < 200 || status >= 300) {
            await response.body.dump().catch(() => undefined)
            throw new FetchError("http_error", `the site answered ${status}`, status)
          }
          const contentType = header(headers, "content-type")
          const type = mediaType(contentType)
          if (accepted !== "any" && !accepted.includes(type)) {
            discard(response.body)
            throw new FetchError("content_type_refused", type === "" ? "no content type" : `${type} is not accepted`)
          }
          const declared = Number(header(headers, "content-length") ?? "")
          if (Number.isFinite(declared) && declared > options.maxBytes) {
            discard(response.body)
            throw new FetchError("too_large", `${declared} bytes declared, the limit is ${options.maxBytes}`)
          }
          timer = setTimeout(() => {
            bodyTimedOut = true
            controller.abort()
          }, options.bodyTimeoutMs)
          const chunks: Array<Buffer> = []
          let received = 0
          for await (const chunk of response.body) {
            received += (chunk as Buffer).length
            if (received > options.maxBytes) {
              discard(response.body)
              throw new FetchError("too_large", `more than ${options.maxBytes} bytes`)
            }
            chunks.push(chunk as Buffer)
          }
          const raw = Buffer.concat(chunks)
          const body = await decompress(raw, header(headers, "content-encoding") ?? "", options.maxBytes)
          return { _tag: "Body", status, headers, contentType: contentType ?? "", body }
        } catch (error) {
          if (bodyTimedOut)
            throw new FetchError("body_timeout", `the body did not arrive in ${options.bodyTimeoutMs} ms`)
          if (error instanceof DecodeError) throw new FetchError(error.reason, error.message)
          throw rootCause(error)
        } finally {
          if (timer !== undefined) clearTimeout(timer)
          signal?.removeEventListener("abort", onAbort)
        }
      },
      signal
    )

  /** Checks every hop again (scheme, port, user info, address) and follows at most MAX_REDIRECTS. */
  const follow = async (
    url: string,
    accepted: ReadonlyArray<string> | "any",
    extraHeaders: Record<string, string>,
    withRobots: boolean,
    signal: AbortSignal | undefined
  ): Promise<{ readonly url: string; readonly result: Exclude<Exchange, { _tag: "Redirect" }> }> => {
    let current = url
    for (let hop = 0; ; hop++) {
      const checked = checkUrl(current, options.allow)
      if (isRefusal(checked)) throw new FetchError(checked.reason, checked.detail)
      if (withRobots) {
        const robots = await robotsFor(checked, signal)
        if (!robots.allows(checked.url.href)) {
          throw new FetchError("robots_disallowed", `robots.txt disallows ${checked.url.pathname}`)
        }
      }
      const result = await exchange(checked, accepted, extraHeaders, signal)
      if (result._tag !== "Redirect") return { url: checked.url.href, result }
      if (hop >= MAX_REDIRECTS) throw new FetchError("too_many_redirects", `more than ${MAX_REDIRECTS} redirects`)
      try {
        current = new URL(result.location, checked.url).href
      } catch {
        throw new FetchError("invalid_url", `redirect to an invalid location: ${result.location}`)
      }
    }
  }

  const loadRobots = async (checked: CheckedUrl, signal: AbortSignal | undefined): Promise<Robots> => {
    const robotsUrl = new URL("/robots.txt", checked.url.origin).href
    try {
      const { result } = await follow(robotsUrl, "any", {}, false, signal)
      if (result._tag !== "Body") return allowAll
      const text = decodeText(result.body, detectCharset(result.body, result.contentType))
      const robot = robotsParser(robotsUrl, text)
      const delay = robot.getCrawlDelay(ROBOTS_AGENT)
      return {
        allows: (url) => robot.isAllowed(url, ROBOTS_AGENT) !== false,
        delayMs: delay === undefined ? undefined : Math.min(Math.max(delay * 1000, 0), MAX_CRAWL_DELAY_MS)
      }
    } catch (error) {
      if (error instanceof FetchError && error.reason === "http_error") {
        // no robots.txt (4xx) means no rules; a failing one (5xx) means "stay out for now" (RFC 9309)
        if ((error.status ?? 500) < 500) return allowAll
        throw new FetchError("robots_unavailable", `robots.txt answered ${error.status}`)
      }
      if (
        error instanceof FetchError &&
        ["too_large", "content_type_refused", "decode_failed"].includes(error.reason)
      ) {
        return allowAll
      }
      throw error
    }
  }

  const robotsFor = (checked: CheckedUrl, signal: AbortSignal | undefined): Promise<Robots> => {
    const origin = checked.url.origin
    const cached = robotsCache.get(origin)
    if (cached !== undefined && cached.expiresAt > Date.now()) return cached.robots
    const robots = loadRobots(checked, signal)
    const entry = { robots, expiresAt: Date.now() + ROBOTS_TTL_MS, delayMs: undefined as number | undefined }
    robotsCache.set(origin, entry)
    robots.then(
      (loaded) => {
        entry.delayMs = loaded.delayMs
      },
      () => {
        if (robotsCache.get(origin) === entry) robotsCache.delete(origin)
      }
    )
    return robots
  }

  const fetch = async (url: string, fetchOptions: WebFetchOptions, signal?: AbortSignal): Promise<FetchedPage> => {
    const accepted =
      fetchOptions.purpose === "sitemap" ? [...options.contentTypes, ...SITEMAP_TYPES] : options.contentTypes
    const conditional: Record<string, string> = {}
    if (fetchOptions.etag != null) conditional["if-none-match"] = fetchOptions.etag
    if (fetchOptions.lastModified != null) conditional["if-modified-since"] = fetchOptions.lastModified
    const { url: finalUrl, result } = await follow(url, accepted, conditional, true, signal)
    const fetchedAt = new Date()
    if (result._tag === "NotModified") {
      return {
        requestedUrl: url,
        url: finalUrl,
        status: 304,
        notModified: true,
        contentType: "",
        charset: "",
        body: "",
        bytes: 0,
        etag: header(result.headers, "etag") ?? fetchOptions.etag ?? null,
        lastModified: header(result.headers, "last-modified") ?? fetchOptions.lastModified ?? null,
        fetchedAt
      }
    }
    const charset = detectCharset(result.body, result.contentType)
    return {
      requestedUrl: url,
      url: finalUrl,
      status: result.status,
      notModified: false,
      contentType: mediaType(result.contentType),
      charset,
      body: decodeText(result.body, charset),
      bytes: result.body.length,
      etag: header(result.headers, "etag") ?? null,
      lastModified: header(result.headers, "last-modified") ?? null,
      fetchedAt
    }
  }

  const close = () => Promise.all([checkedAgent.close(), allowedAgent.close()]).then(() => undefined)

  return { fetch, close, scheduler }
}
