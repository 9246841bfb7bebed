/**
 * Website research under the politeness rules, against one local HTTP server answering as 100 (and 1,000) hosts
 * (`host-N.test`, pinned to 127.0.0.1 through WEB_FETCH_ALLOW, so no name is looked up and nothing leaves the
 * machine).
 *
 * 1. Pages per second across 100 hosts, 5 pages each, all requested at once with a crawl delay of 100 ms: one
 *    request at a time per host and the delay between two make the ceiling hosts / delay (1,000 pages/s, less the
 *    first request of each host that waits for robots.txt). Reported as the ratio to that ceiling.
 * 2. Peak memory (RSS, sampled every 50 ms) while crawling 1,000 leads with crawlWebsite on the in-memory ports
 *    and the hashing embedder: home page, sitemap, two chosen pages each, 25 leads at a time.
 */
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { ConfigProvider, Effect, Layer, Logger, LogLevel } from "effect"
import { EmbedderHashing } from "../packages/adapters/dist/embeddings/index.js"
import { layer as memoryLayer } from "../packages/adapters/dist/memory/index.js"
import { readSettings } from "../packages/adapters/dist/runtime/index.js"
import { PageExtractorCheerio, WebFetcherUndici } from "../packages/adapters/dist/web/index.js"
import {
  Actor,
  CrawlPolicy,
  crawlWebsite,
  createLead,
  newId,
  type OrganizationId,
  WebFetcher
} from "../packages/domain/dist/index.js"

const HOSTS = 100
const PAGES_PER_HOST = 5
const DELAY_MS = 100
const LEADS = 1_000
const LEADS_AT_ONCE = 25

const page = (host: string, path: string) =>
  `<!doctype html><html lang="en"><head><title>${host} ${path}</title><meta name="description" content="A company page.">
<script type="application/ld+json">{"@type":"Organization","name":"${host}","numberOfEmployees":42}</script></head>
<body><nav><a href="/about">About</a> <a href="/team">Team</a> <a href="/contact">Contact</a></nav>
<main>${"<p>We build things for warehouses, and our team of forty-two people ships every week.</p>".repeat(40)}
<div><h3>Ada Lovelace</h3><p>Chief Technology Officer</p></div></main></body></html>`

const startSite = async () => {
  const server = createServer((req, res) => {
    const host = (req.headers.host ?? "").split(":")[0] ?? ""
    const path = (req.url ?? "/").split("?")[0] ?? "/"
    if (path === "/robots.txt") return void res.writeHead(200, { "content-type": "text/plain" }).end("User-agent: *\n")
    if (path === "/sitemap.xml") return void res.writeHead(404).end()
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page(host, path))
  })
  server.keepAliveTimeout = 30_000
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return { server, port: (server.address() as AddressInfo).port }
}

const webSettings = (port: number, hosts: number, delay: string) =>
  Effect.runPromise(
    Effect.map(readSettings, (s) => s.web).pipe(
      Effect.withConfigProvider(
        ConfigProvider.fromMap(
          new Map([
            ["WEB_FETCH_ALLOW", Array.from({ length: hosts }, (_, i) => `host-${i}.test:${port}=127.0.0.1`).join(",")],
            ["WEB_CRAWL_DELAY", delay]
          ])
        )
      )
    )
  )

/** The WEB_FETCH_ALLOW warning would list every host. */
const quiet = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.provide(effect, Logger.minimumLogLevel(LogLevel.Error))

const throughput = async (port: number) => {
  const web = await webSettings(port, HOSTS, `${DELAY_MS} millis`)
  const urls = Array.from({ length: HOSTS }, (_, h) =>
    Array.from({ length: PAGES_PER_HOST }, (_, p) => `http://host-${h}.test:${port}/page-${p}`)
  ).flat()
  const started = performance.now()
  const fetched = await Effect.runPromise(
    Effect.flatMap(WebFetcher, (fetcher) =>
      Effect.forEach(urls, (url) => Effect.either(fetcher.fetch(url)), { concurrency: "unbounded" })
    ).pipe(Effect.provide(WebFetcherUndici.layer(web)), quiet)
  )
  const seconds = (performance.now() - started) / 1000
  const ok = fetched.filter((r) => r._tag === "Right").length
  const rate = ok / seconds
  const ceiling = HOSTS / (DELAY_MS / 1000)
  console.log(
    `${HOSTS} hosts × ${PAGES_PER_HOST} pages, crawl delay ${DELAY_MS} ms: ${ok}/${urls.length} pages in ${seconds.toFixed(2)} s = ${rate.toFixed(0)} pages/s; ceiling ${ceiling} pages/s (hosts / delay); ratio ${(rate / ceiling).toFixed(2)}`
  )
}

const memory = async (port: number) => {
  const web = await webSettings(port, LEADS, "1 millis")
  const ctx = { organizationId: newId<OrganizationId>(), actor: new Actor({ type: "user", id: "bench" }) }
  const layer = Layer.mergeAll(
    memoryLayer,
    EmbedderHashing,
    WebFetcherUndici.layer(web),
    PageExtractorCheerio,
    Layer.succeed(CrawlPolicy, { maxPages: 2, recrawlAfterMs: 0 })
  )
  const baseline = process.memoryUsage().rss
  let peak = baseline
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss)
  }, 50)
  const started = performance.now()
  const pages = await Effect.runPromise(
    Effect.gen(function* () {
      const leads = yield* Effect.forEach(
        Array.from({ length: LEADS }, (_, i) => i),
        (i) => createLead(ctx, { companyName: `Company ${i}`, website: `http://host-${i}.test:${port}/` })
      )
      const results = yield* Effect.forEach(leads, (lead) => crawlWebsite(ctx, lead.id, `bench-${lead.id}`), {
        concurrency: LEADS_AT_ONCE
      })
      return results.reduce((n, r) => n + r.pages.filter((p) => p.outcome === "stored").length, 0)
    }).pipe(Effect.provide(layer), quiet)
  )
  clearInterval(sampler)
  const seconds = (performance.now() - started) / 1000
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`
  console.log(
    `${LEADS} leads crawled (${pages} pages stored, ${LEADS_AT_ONCE} leads at a time) in ${seconds.toFixed(1)} s: peak RSS ${mb(peak)} (${mb(peak - baseline)} above the ${mb(baseline)} at start; the in-memory store keeps every page, document and chunk)`
  )
}

export const run = async () => {
  const { server, port } = await startSite()
  try {
    await throughput(port)
    await memory(port)
  } finally {
    server.closeAllConnections()
    server.close()
  }
}
