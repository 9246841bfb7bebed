import type { LookupAddress } from "node:dns"
import { EmbedderHashing } from "@leadforge/adapters/embeddings"
import { layer as memoryLayer } from "@leadforge/adapters/memory"
import { readSettings, type WebSettings } from "@leadforge/adapters/runtime"
import { PageExtractorCheerio, type Resolver, WebFetcherUndici } from "@leadforge/adapters/web"
import {
  Actor,
  ContactRepository,
  CrawlPolicy,
  type CrawlWebsiteResult,
  crawlWebsite,
  createLead,
  DataSourceRepository,
  decodeWebPageRecord,
  isPermanentResearchFailure,
  KnowledgeRepository,
  type LeadId,
  newId,
  type OrganizationId,
  type WebFetchFailed
} from "@leadforge/domain"
import { ConfigProvider, Effect, Layer, ManagedRuntime, Option } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { acmeAbout, acmeHome, acmeTeam } from "./pages.js"
import { html, startSite, type TestSite } from "./site.js"

/**
 * crawlWebsite on the in-memory ports with the real fetcher, extractor and hashing embedder, against a test site
 * served on 127.0.0.1 as acme.test (WEB_FETCH_ALLOW and a resolver table).
 */
const resolver: Resolver = async (hostname) => {
  if (hostname === "acme.test" || hostname === "broken.test")
    return [{ address: "127.0.0.1", family: 4 } as LookupAddress]
  throw Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: "ENOTFOUND" })
}

let site: TestSite
let origin: string
const recrawl = { afterMs: 0 }

const testLayer = (web: WebSettings) =>
  Layer.mergeAll(
    memoryLayer,
    EmbedderHashing,
    WebFetcherUndici.layer({ ...web, resolver }),
    PageExtractorCheerio,
    Layer.succeed(CrawlPolicy, {
      maxPages: 10,
      get recrawlAfterMs() {
        return recrawl.afterMs
      }
    })
  )
type Services = Layer.Layer.Success<ReturnType<typeof testLayer>>
let runtime: ManagedRuntime.ManagedRuntime<Services, never> | undefined

const sitemap = (origin: string) => `<?xml version="1.0"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>${origin}/</loc></url><url><loc>${origin}/careers</loc></url><url><loc>${origin}/legal</loc></url>
</urlset>`

beforeAll(async () => {
  site = await startSite({
    "/robots.txt": { headers: { "content-type": "text/plain" }, body: "User-agent: *\nDisallow: /careers\n" },
    "/": html(acmeHome),
    "/about": html(acmeAbout, { etag: '"about-1"' }),
    "/team": html(acmeTeam),
    "/contact": { status: 302, headers: { location: "http://10.0.0.1/contact" } }
  })
  origin = site.origin("acme.test")
  site.setRoute("/sitemap.xml", { headers: { "content-type": "application/xml" }, body: sitemap(origin) })
  site.setRoute("/about", (req, res) => {
    if (req.headers["if-none-match"] === aboutTag) return void res.writeHead(304, { etag: aboutTag }).end()
    res.writeHead(200, { "content-type": "text/html", etag: aboutTag }).end(aboutBody)
  })
  const web = await Effect.runPromise(
    Effect.map(readSettings, (s) => s.web).pipe(
      Effect.withConfigProvider(
        ConfigProvider.fromMap(
          new Map([
            ["WEB_FETCH_ALLOW", `acme.test:${site.port},broken.test:${site.port}`],
            ["WEB_CRAWL_DELAY", "1 millis"]
          ])
        )
      )
    )
  )
  runtime = ManagedRuntime.make(testLayer(web))
})

afterAll(async () => {
  await runtime?.dispose()
  await site?.close()
})

let aboutTag = '"about-1"'
let aboutBody = acmeAbout

const ctx = { organizationId: newId<OrganizationId>(), actor: new Actor({ type: "user", id: "alice" }) }
const run = <A, E>(effect: Effect.Effect<A, E, Services>) => {
  if (runtime === undefined) throw new Error("the runtime is not built")
  return runtime.runPromise(effect)
}

const outcomes = (result: CrawlWebsiteResult) =>
  Object.fromEntries(result.pages.map((p) => [new URL(p.url).pathname, p.reason ?? p.outcome]))

describe("crawlWebsite", () => {
  let leadId: LeadId
  let first: CrawlWebsiteResult

  it("reads the home page, the sitemap and the chosen pages into sources and documents; records each failure", async () => {
    const lead = await run(
      createLead(ctx, { companyName: "Acme Robotics", domain: "acme.example", website: `${origin}/` })
    )
    leadId = lead.id
    first = await run(crawlWebsite(ctx, leadId, "task-1"))
    expect(outcomes(first)).toEqual({
      "/": "stored",
      "/about": "stored",
      "/team": "stored",
      "/contact": "address_refused", // a redirect to 10.0.0.1
      "/careers": "robots_disallowed" // from the sitemap; robots.txt keeps it out
    })
    expect(site.requests.map((r) => r.path)).not.toContain("/careers")

    const sources = await run(Effect.flatMap(DataSourceRepository, (r) => r.listByLead(ctx.organizationId, leadId)))
    expect(sources.map((s) => [s.type, new URL(s.url ?? "").pathname]).sort()).toEqual([
      ["website", "/"],
      ["website", "/about"],
      ["website", "/team"]
    ])
    const home = sources.find((s) => s.url === `${origin}/`)
    const record = Option.getOrThrow(decodeWebPageRecord(home?.rawPayload))
    expect(record.status).toBe(200)
    expect(record.contentHash).toMatch(/^[0-9a-f]{64}$/)
    expect(record.title).toBe("Acme Robotics – warehouse robots")
    expect(record.organizations[0]?.numberOfEmployees).toBe(120)
    expect(record.emails).toEqual(["hello@acme.example", "sales@acme.example"])

    const docs = (await run(Effect.flatMap(KnowledgeRepository, (r) => r.list(ctx.organizationId)))).filter(
      (d) => d.leadId === leadId
    )
    expect(docs.map((d) => new URL(d.sourceUrl ?? "").pathname).sort()).toEqual(["/", "/about", "/team"])
    expect(docs.find((d) => d.sourceUrl === `${origin}/about`)?.text).toContain("employs 120 people")
    expect(record.knowledgeDocId).toBe(docs.find((d) => d.sourceUrl === `${origin}/`)?.id)
  })

  it("proposes the team page's people as contacts, citing the page, through the proposals' validation", async () => {
    const contacts = await run(Effect.flatMap(ContactRepository, (r) => r.listByLead(ctx.organizationId, leadId)))
    const byName = Object.fromEntries(contacts.map((c) => [`${c.firstName} ${c.lastName}`, c]))
    expect(Object.keys(byName).sort()).toEqual(["Ada Lovelace", "Alan Turing", "Grace Hopper"])
    expect(byName["Ada Lovelace"]?.email).toBe("ada.lovelace@acme.example")
    expect(byName["Ada Lovelace"]?.jobTitle).toBe("Chief Technology Officer")
    const teamSource = first.pages.find((p) => p.url.endsWith("/team"))?.sourceId
    expect(byName["Grace Hopper"]?.provenance.jobTitle?.sourceId).toBe(teamSource)
    expect(first.contacts.added).toHaveLength(3)
  })

  it("fetches nothing again within WEB_RECRAWL_AFTER", async () => {
    recrawl.afterMs = 60 * 60 * 1000
    const before = site.requests.length
    const again = await run(crawlWebsite(ctx, leadId, "task-2"))
    recrawl.afterMs = 0
    expect(outcomes(again)).toEqual({
      "/": "fresh",
      "/about": "fresh",
      "/team": "fresh",
      "/contact": "address_refused",
      "/careers": "robots_disallowed"
    })
    expect(site.requests.slice(before).map((r) => r.path)).toEqual([])
    expect(again.contacts.added).toEqual([])
  })

  it("revalidates older pages: a 304 and an unchanged text keep the document, a changed text replaces it", async () => {
    const docsBefore = await run(Effect.flatMap(KnowledgeRepository, (r) => r.list(ctx.organizationId)))
    const aboutDoc = docsBefore.find((d) => d.sourceUrl === `${origin}/about`)
    const homeDoc = docsBefore.find((d) => d.sourceUrl === `${origin}/`)

    const revalidated = await run(crawlWebsite(ctx, leadId, "task-3"))
    expect(outcomes(revalidated)).toMatchObject({ "/": "unchanged", "/about": "not_modified", "/team": "unchanged" })
    expect(site.requests.filter((r) => r.path === "/about").at(-1)?.headers["if-none-match"]).toBe('"about-1"')

    aboutTag = '"about-2"'
    aboutBody = acmeAbout.replace("employs 120 people", "employs 150 people")
    const changed = await run(crawlWebsite(ctx, leadId, "task-4"))
    expect(outcomes(changed)).toMatchObject({ "/about": "replaced", "/": "unchanged" })
    const docsAfter = await run(Effect.flatMap(KnowledgeRepository, (r) => r.list(ctx.organizationId)))
    const aboutAfter = docsAfter.filter((d) => d.sourceUrl === `${origin}/about`)
    expect(aboutAfter.map((d) => d.id)).toEqual([aboutDoc?.id])
    expect(aboutAfter[0]?.text).toContain("employs 150 people")
    expect(docsAfter.find((d) => d.sourceUrl === `${origin}/`)?.updatedAt).toEqual(homeDoc?.updatedAt)
    const sources = await run(Effect.flatMap(DataSourceRepository, (r) => r.listByLead(ctx.organizationId, leadId)))
    expect(sources.filter((s) => s.type === "website")).toHaveLength(3)
  })

  it("fails with the home page's reason, and only a reason another attempt cannot fix is permanent", async () => {
    const lead = await run(
      createLead(ctx, { companyName: "Broken", website: `http://broken.test:${site.port}/missing` })
    )
    const failure = (await run(Effect.flip(crawlWebsite(ctx, lead.id, "task-5")))) as WebFetchFailed
    expect([failure._tag, failure.reason, failure.status]).toEqual(["WebFetchFailed", "http_error", 404])
    expect(isPermanentResearchFailure(failure)).toBe(true)
    const sources = await run(Effect.flatMap(DataSourceRepository, (r) => r.listByLead(ctx.organizationId, lead.id)))
    expect(sources).toEqual([])
    const noSite = await run(createLead(ctx, { companyName: "Nowhere Inc" }))
    const invalid = await run(Effect.flip(crawlWebsite(ctx, noSite.id, "task-6")))
    expect(invalid._tag).toBe("ValidationFailed")
  })
})
