import type { LookupAddress } from "node:dns"
import { readSettings, type WebSettings } from "@leadforge/adapters/runtime"
import { type Resolver, WebFetcherUndici } from "@leadforge/adapters/web"
import { type FetchedPage, WebFetcher, type WebFetchFailed, type WebFetchOptions } from "@leadforge/domain"
import { ConfigProvider, Effect, Either, ManagedRuntime } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { faultRoutes, hopRoutes, html, startSite, type TestSite } from "./site.js"

/**
 * The fetcher against a site served by the test on 127.0.0.1, reached as named hosts (site-a.test, …) through
 * WEB_FETCH_ALLOW and a resolver table, so no test reaches an outside host: every name the table does not know
 * fails as dns_failed, and every hostile one is refused before a connection is made.
 */
const v4 = (address: string): LookupAddress => ({ address, family: 4 })
const v6 = (address: string): LookupAddress => ({ address, family: 6 })

const lookups: Array<string> = []
const table: Record<string, ReadonlyArray<LookupAddress>> = {
  "site-a.test": [v4("127.0.0.1")],
  "site-b.test": [v4("127.0.0.1")],
  "site-c.test": [v4("127.0.0.1")],
  localhost: [v4("127.0.0.1"), v6("::1")],
  "internal.test": [v4("10.1.2.3")],
  "metadata.test": [v4("169.254.169.254")],
  "mixed.test": [v4("93.184.216.34"), v4("192.168.0.10")],
  "cgnat.test": [v4("100.64.1.1")],
  "ula.test": [v6("fd12:3456::1")],
  "linklocal6.test": [v6("fe80::1")],
  "mapped.test": [v6("::ffff:10.0.0.1")],
  "zero.test": [v4("0.0.0.0")],
  "loopback6.test": [v6("::1")],
  "multicast.test": [v4("239.1.2.3")]
}
const resolver: Resolver = async (hostname) => {
  lookups.push(hostname)
  const found = table[hostname.toLowerCase().replace(/\.$/, "")]
  if (found === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" })
  return found
}

const settingsFrom = (env: Record<string, string>): Promise<WebSettings> =>
  Effect.runPromise(
    readSettings.pipe(
      Effect.map((s) => s.web),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))
    )
  )

let siteA: TestSite
let slowInFlight = 0
let slowMaxInFlight = 0
let siteB: TestSite
let siteC: TestSite
let runtime: ManagedRuntime.ManagedRuntime<WebFetcher, never>
let a: string
let b: string
let c: string

const fetchWith =
  (rt: () => ManagedRuntime.ManagedRuntime<WebFetcher, never>) =>
  (url: string, options?: WebFetchOptions): Promise<Either.Either<FetchedPage, WebFetchFailed>> =>
    rt().runPromise(Effect.either(Effect.flatMap(WebFetcher, (f) => f.fetch(url, options))))
const fetchPage = fetchWith(() => runtime)

const reasonOf = async (url: string, options?: WebFetchOptions) => {
  const result = await fetchPage(url, options)
  return Either.isLeft(result) ? result.left.reason : `fetched ${Either.getOrThrow(result).status}`
}

beforeAll(async () => {
  siteA = await startSite({
    "/robots.txt": {
      headers: { "content-type": "text/plain" },
      body: "User-agent: *\nDisallow: /private\n\nUser-agent: Leadforge\nDisallow: /not-for-leadforge\nDisallow: /private\n"
    },
    "/": html("<html><head><title>Home</title></head><body>Welcome</body></html>"),
    "/about": html("<html><title>About</title></html>"),
    "/private/plans": html("<html><title>Secret</title></html>"),
    "/not-for-leadforge": html("<html><title>Not for us</title></html>"),
    "/slow": (_req, res) => {
      slowInFlight++
      slowMaxInFlight = Math.max(slowMaxInFlight, slowInFlight)
      setTimeout(() => {
        slowInFlight--
        res.writeHead(200, { "content-type": "text/html" }).end("<title>slow</title>")
      }, 30)
    },
    ...faultRoutes(),
    ...hopRoutes(7)
  })
  siteB = await startSite({
    "/robots.txt": { status: 503, headers: { "content-type": "text/plain" }, body: "down" },
    "/": html("<title>B</title>")
  })
  siteC = await startSite({
    "/robots.txt": { headers: { "content-type": "text/plain" }, body: "User-agent: *\nCrawl-delay: 0.3\n" },
    "/one": html("<title>one</title>"),
    "/two": html("<title>two</title>"),
    "/three": html("<title>three</title>")
  })
  a = siteA.origin("site-a.test")
  b = siteB.origin("site-b.test")
  c = siteC.origin("site-c.test")
  const web = await settingsFrom({
    WEB_FETCH_ALLOW: `site-a.test:${siteA.port}, site-b.test:${siteB.port},site-c.test:${siteC.port}`,
    WEB_CRAWL_DELAY: "1 millis",
    WEB_FETCH_HEADERS_TIMEOUT: "1 second",
    WEB_FETCH_BODY_TIMEOUT: "1 second",
    WEB_CONTACT_URL: "https://leadforge.example/crawler"
  })
  runtime = ManagedRuntime.make(WebFetcherUndici.layer({ ...web, resolver }))
})

afterAll(async () => {
  await runtime?.dispose()
  await Promise.all([siteA?.close(), siteB?.close(), siteC?.close()])
})

describe("WebFetcher: SSRF defence", () => {
  /** Each URL and the reason it must be refused with; none of them may reach a socket. */
  const hostile: ReadonlyArray<readonly [string, string]> = [
    ["http://127.0.0.1/", "address_refused"],
    ["http://2130706433/", "address_refused"], // decimal
    ["http://0177.0.0.1/", "address_refused"], // octal
    ["http://017700000001/", "address_refused"], // octal, one number
    ["http://0x7f.0.0.1/", "address_refused"], // hex
    ["http://0x7f000001/", "address_refused"], // hex, one number
    ["http://127.1/", "address_refused"], // short form
    ["http://127.0.0.1./", "address_refused"], // trailing dot
    ["http://%31%32%37.0.0.1/", "address_refused"], // percent-encoded
    ["http://\uff11\uff12\uff17.0.0.1/", "address_refused"], // full-width digits
    ["http://0.0.0.0/", "address_refused"],
    ["http://0/", "address_refused"],
    ["http://[::1]/", "address_refused"],
    ["http://[::]/", "address_refused"],
    ["http://[::ffff:127.0.0.1]/", "address_refused"],
    ["http://[::ffff:7f00:1]/", "address_refused"],
    ["https://[::ffff:169.254.169.254]/", "address_refused"],
    ["http://[64:ff9b::a00:1]/", "address_refused"], // NAT64 of 10.0.0.1
    ["http://[2002:7f00:1::]/", "address_refused"], // 6to4 of 127.0.0.1
    ["http://10.0.0.1/", "address_refused"],
    ["http://172.16.5.4/", "address_refused"],
    ["http://192.168.1.1/", "address_refused"],
    ["http://169.254.169.254/latest/meta-data/", "address_refused"],
    ["http://100.64.0.1/", "address_refused"], // CGNAT
    ["http://100.100.100.200/", "address_refused"], // Alibaba metadata
    ["http://224.0.0.1/", "address_refused"],
    ["http://255.255.255.255/", "address_refused"],
    ["http://[fd00::1]/", "address_refused"],
    ["http://[fd00:ec2::254]/", "address_refused"], // AWS metadata over IPv6
    ["http://[fe80::1]/", "address_refused"],
    ["http://[ff02::1]/", "address_refused"],
    ["http://localhost/", "address_refused"],
    ["http://LOCALHOST./", "address_refused"],
    ["http://internal.test/", "address_refused"],
    ["http://metadata.test/latest/meta-data/", "address_refused"],
    ["http://mixed.test/", "address_refused"], // one public and one private answer
    ["http://cgnat.test/", "address_refused"],
    ["http://ula.test/", "address_refused"],
    ["http://linklocal6.test/", "address_refused"],
    ["http://mapped.test/", "address_refused"],
    ["http://zero.test/", "address_refused"],
    ["http://loopback6.test/", "address_refused"],
    ["http://multicast.test/", "address_refused"],
    ["http://user:pass@example.com/", "userinfo_not_allowed"],
    ["http://example.com@127.0.0.1/", "userinfo_not_allowed"],
    ["http://site-a.test:1@10.0.0.1/", "userinfo_not_allowed"],
    ["http://user@127.0.0.1/", "userinfo_not_allowed"],
    ["http://example.com:8080/", "port_not_allowed"],
    ["http://127.0.0.1:6379/", "port_not_allowed"],
    ["https://example.com:22/", "port_not_allowed"],
    ["ftp://example.com/", "scheme_not_allowed"],
    ["file:///etc/passwd", "scheme_not_allowed"],
    ["gopher://127.0.0.1:6379/_INFO", "scheme_not_allowed"],
    ["javascript:alert(1)", "scheme_not_allowed"],
    ["not a url", "invalid_url"]
  ]

  it("has at least 30 hostile URLs", () => {
    expect(hostile.length).toBeGreaterThanOrEqual(30)
  })

  it.each(hostile)("refuses %s (%s)", async (url, reason) => {
    expect(await reasonOf(url)).toBe(reason)
  })

  it("resolves a name once per connection and connects to the address it checked", async () => {
    const before = lookups.filter((h) => h === "site-c.test").length
    const page = Either.getOrThrow(await fetchPage(`${c}/one`))
    expect(page.body).toContain("one")
    // robots.txt and the page share one kept-alive connection: one lookup, no second one at connect time
    expect(lookups.filter((h) => h === "site-c.test").length - before).toBe(1)
  })

  it("checks every redirect hop again: to 10.0.0.1, to a name of a metadata address, to user info, to ftp", async () => {
    expect(await reasonOf(`${a}/to-internal`)).toBe("address_refused")
    expect(await reasonOf(`${a}/to-metadata-name`)).toBe("address_refused")
    expect(await reasonOf(`${a}/to-userinfo`)).toBe("userinfo_not_allowed")
    expect(await reasonOf(`${a}/to-ftp`)).toBe("scheme_not_allowed")
  })

  it("allows only the listed host:port pairs: the same port under another name is refused", async () => {
    expect(await reasonOf(`http://127.0.0.1:${siteA.port}/`)).toBe("port_not_allowed")
    expect(await reasonOf(`http://localhost:${siteA.port}/`)).toBe("port_not_allowed")
  })

  it("names a malformed WEB_FETCH_ALLOW entry", async () => {
    const failure = await Effect.runPromise(
      Effect.flip(
        readSettings.pipe(
          Effect.withConfigProvider(
            ConfigProvider.fromMap(
              new Map([
                ["WEB_FETCH_ALLOW", "good.test:80,pinned.test:8080=127.0.0.1,bad-entry,wrong.test:80=not-an-ip"]
              ])
            )
          )
        )
      )
    )
    expect(String(failure)).toContain("WEB_FETCH_ALLOW")
    expect(String(failure)).toContain("bad-entry, wrong.test:80=not-an-ip")
    expect(String(failure)).not.toContain("pinned.test")
  })
})

describe("WebFetcher: redirects, limits and faults", () => {
  it("follows up to 5 redirects and reports the final URL", async () => {
    const page = Either.getOrThrow(await fetchPage(`${a}/hop/5`))
    expect(page.url).toBe(`${a}/hop/0`)
    expect(page.requestedUrl).toBe(`${a}/hop/5`)
    expect(page.body).toContain("Arrived")
  })

  it("refuses a sixth redirect, and a loop", async () => {
    expect(await reasonOf(`${a}/hop/6`)).toBe("too_many_redirects")
    expect(await reasonOf(`${a}/loop`)).toBe("too_many_redirects")
  })

  it("refuses a 10 MB page, declared or streamed, and a gzip bomb, keeping nothing", async () => {
    expect(await reasonOf(`${a}/huge`)).toBe("too_large")
    expect(await reasonOf(`${a}/huge-chunked`)).toBe("too_large")
    expect(await reasonOf(`${a}/bomb`)).toBe("too_large")
  })

  it("cuts a trickling body at the body timeout, and slow headers at the headers timeout", async () => {
    expect(await reasonOf(`${a}/trickle`)).toBe("body_timeout")
    expect(await reasonOf(`${a}/slow-headers`)).toBe("headers_timeout")
  })

  it("refuses other content types and answers 4xx/5xx with their status", async () => {
    expect(await reasonOf(`${a}/image`)).toBe("content_type_refused")
    expect(await reasonOf(`${a}/no-type`)).toBe("content_type_refused")
    const missing = await fetchPage(`${a}/missing`)
    expect(Either.isLeft(missing) && [missing.left.reason, missing.left.status]).toEqual(["http_error", 404])
    const failing = await fetchPage(`${a}/error`)
    expect(Either.isLeft(failing) && [failing.left.reason, failing.left.status]).toEqual(["http_error", 500])
  })

  it("fails a name that does not resolve, and a closed port, with their own reasons", async () => {
    expect(await reasonOf("http://nosuch.test/")).toBe("dns_failed")
    const closed = await startSite({})
    const port = closed.port
    await closed.close()
    const web = await settingsFrom({ WEB_FETCH_ALLOW: `site-a.test:${port}`, WEB_CRAWL_DELAY: "1 millis" })
    const rt = ManagedRuntime.make(WebFetcherUndici.layer({ ...web, resolver }))
    const result = await fetchWith(() => rt)(`http://site-a.test:${port}/`)
    await rt.dispose()
    expect(Either.isLeft(result) && result.left.reason).toBe("unreachable")
  })

  it("decodes gzip and brotli", async () => {
    expect(Either.getOrThrow(await fetchPage(`${a}/gzip`)).body).toContain("gzip body")
    expect(Either.getOrThrow(await fetchPage(`${a}/br`)).body).toContain("brotli body")
  })

  it("takes the charset from <meta> when the header names none, or names one that does not exist", async () => {
    const latin1 = Either.getOrThrow(await fetchPage(`${a}/latin1`))
    expect([latin1.charset, latin1.body.includes("Café")]).toEqual(["windows-1252", true])
    const wrong = Either.getOrThrow(await fetchPage(`${a}/wrong-charset`))
    expect([wrong.charset, wrong.body.includes("Naïve – café")]).toEqual(["windows-1252", true])
  })

  it("revalidates with If-None-Match and reports a 304 as not modified", async () => {
    const first = Either.getOrThrow(await fetchPage(`${a}/etag`))
    expect([first.etag, first.lastModified]).toEqual(['"v1"', "Mon, 01 Jun 2026 10:00:00 GMT"])
    const again = Either.getOrThrow(
      await fetchPage(`${a}/etag`, { etag: first.etag, lastModified: first.lastModified })
    )
    expect([again.status, again.notModified, again.body]).toEqual([304, true, ""])
    const sent = siteA.requests.filter((r) => r.path === "/etag").at(-1)
    expect(sent?.headers["if-none-match"]).toBe('"v1"')
    expect(sent?.headers["if-modified-since"]).toBe("Mon, 01 Jun 2026 10:00:00 GMT")
  })
})

describe("WebFetcher: politeness", () => {
  it("obeys robots.txt: rules for every agent and for Leadforge", async () => {
    expect(await reasonOf(`${a}/private/plans`)).toBe("robots_disallowed")
    expect(await reasonOf(`${a}/not-for-leadforge`)).toBe("robots_disallowed")
    expect(await reasonOf(`${a}/about`)).toBe("fetched 200")
    expect(siteA.requests.some((r) => r.path.startsWith("/private") || r.path === "/not-for-leadforge")).toBe(false)
  })

  it("stays out of a site whose robots.txt answers 5xx", async () => {
    expect(await reasonOf(`${b}/`)).toBe("robots_unavailable")
    expect(siteB.requests.map((r) => r.path)).not.toContain("/")
  })

  it("reads robots.txt once per site and names Leadforge and the contact URL in the User-Agent", async () => {
    await fetchPage(`${a}/`)
    expect(siteA.requests.filter((r) => r.path === "/robots.txt")).toHaveLength(1)
    expect(siteA.requests[0]?.headers["user-agent"]).toBe(
      "Leadforge/0.1 (website research; +https://leadforge.example/crawler)"
    )
  })

  it("sends one request at a time per host", async () => {
    const results = await Promise.all(Array.from({ length: 6 }, () => fetchPage(`${a}/slow`)))
    expect(results.every(Either.isRight)).toBe(true)
    expect(slowMaxInFlight).toBe(1)
  })

  it("waits robots.txt's crawl delay between two requests to one host", async () => {
    await Promise.all([fetchPage(`${c}/two`), fetchPage(`${c}/three`)])
    const starts = siteC.requests.filter((r) => r.path !== "/robots.txt").map((r) => r.startedAt)
    for (let i = 1; i < starts.length; i++) {
      expect((starts[i] as number) - (starts[i - 1] as number)).toBeGreaterThanOrEqual(290)
    }
  })
})
