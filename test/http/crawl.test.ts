import type { LookupAddress } from "node:dns"
import { type CompletionRequest, LanguageModelScripted } from "@leadforge/adapters/llm"
import { readSettings } from "@leadforge/adapters/runtime"
import { PageExtractorCheerio, type Resolver, WebFetcherUndici } from "@leadforge/adapters/web"
import { CrawlPolicy } from "@leadforge/domain"
import { ConfigProvider, Effect, Layer } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { acmeAbout, acmeContact, acmeHome, acmeTeam } from "../web/pages.js"
import { html, startSite, type TestSite } from "../web/site.js"
import { backends, postJson, type RunningServer, raw, startServer } from "./support.js"

/**
 * End to end over HTTP: a crawl task reads the test site (served on 127.0.0.1 as acme.test through WEB_FETCH_ALLOW
 * and a resolver table) into data sources and documents, and enrichment with a scripted model cites the crawled
 * page by its URL.
 */
const SLOW = 60_000

const resolver: Resolver = async (hostname) => {
  if (hostname === "acme.test") return [{ address: "127.0.0.1", family: 4 } as LookupAddress]
  throw Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: "ENOTFOUND" })
}

const user = (request: CompletionRequest) => request.messages.find((m) => m.role === "user")?.content ?? ""
const claim = (value: unknown, confidence: number, evidence: ReadonlyArray<string>) => ({ value, confidence, evidence })

/** The enrichment reply cites the evidence label whose line names the about page's URL. */
const enrichment = (request: CompletionRequest) => {
  const about = /\[(E\d+)\][^\n]*\(http:\/\/acme\.test:\d+\/about\)/.exec(user(request))?.[1]
  const cited = about === undefined ? [] : [about]
  return JSON.stringify({
    industry: claim("Robotics", 85, cited),
    employeeRange: claim("51-200", 80, cited),
    fundingStage: claim(null, 10, []),
    location: claim({ city: "Berlin", country: "DE" }, 80, cited),
    summary: claim("Acme Robotics builds warehouse robots.", 80, cited),
    aiAdoption: { score: 60, confidence: 60, reasons: [{ reason: "autonomous robots", evidence: cited }] }
  })
}

const fastWorker = { poll: "20 millis", lease: "5 seconds", heartbeat: "100 millis", backoff: () => 0 } as const

let site: TestSite
let origin: string
beforeAll(async () => {
  site = await startSite({
    "/robots.txt": { headers: { "content-type": "text/plain" }, body: "User-agent: *\nAllow: /\n" },
    "/": html(acmeHome),
    "/about": html(acmeAbout),
    "/team": html(acmeTeam),
    "/contact": html(acmeContact)
  })
  origin = site.origin("acme.test")
})
afterAll(() => site?.close())

const webLayer = () =>
  Layer.unwrapEffect(
    Effect.map(readSettings, (settings) =>
      Layer.mergeAll(
        WebFetcherUndici.layer({ ...settings.web, resolver }),
        PageExtractorCheerio,
        Layer.succeed(CrawlPolicy, { maxPages: settings.web.maxPages, recrawlAfterMs: settings.web.recrawlAfterMs })
      )
    ).pipe(
      Effect.withConfigProvider(
        ConfigProvider.fromMap(
          new Map([
            ["WEB_FETCH_ALLOW", `acme.test:${site.port}`],
            ["WEB_CRAWL_DELAY", "1 millis"]
          ])
        )
      )
    )
  )

for (const backend of backends)
  describe.skipIf(backend.skip !== undefined)(`website research over HTTP (${backend.name})`, () => {
    let server: RunningServer
    let key: string

    beforeAll(async () => {
      const persistence = await backend.persistence()
      if (persistence === null) throw new Error(`no ${backend.name} database: set DATABASE_URL`)
      server = await startServer(persistence, backend.env, {
        languageModel: LanguageModelScripted(enrichment),
        researchWorker: fastWorker,
        web: webLayer()
      })
      key = server.adminKey
    }, SLOW)
    afterAll(() => server?.close())

    const waitFor = async (taskId: string) => {
      const waited = await raw(server, `/api/v1/research/${taskId}?wait=30s`, { key })
      expect(waited.status).toBe(200)
      return await waited.json()
    }

    it(
      "POST /leads/:id/crawl: sources and documents per page; enrich cites the crawled page's URL; a re-crawl fetches nothing",
      async () => {
        const created = await postJson(server, "/api/v1/leads", key, {
          companyName: "Acme Robotics",
          domain: "acme.example",
          website: `${origin}/`
        })
        expect(created.status).toBe(201)
        const lead = await created.json()

        const submitted = await postJson(server, `/api/v1/leads/${lead.id}/crawl`, key, {})
        expect(submitted.status).toBe(202)
        const task = await submitted.json()
        expect(task).toMatchObject({ kind: "crawl_website", status: "queued" })
        const done = await waitFor(task.id)
        expect(done.status).toBe("succeeded")
        const pages = Object.fromEntries(
          done.result.pages.map((p: { url: string; outcome: string }) => [new URL(p.url).pathname, p.outcome])
        )
        expect(pages).toEqual({ "/": "stored", "/about": "stored", "/team": "stored", "/contact": "stored" })

        const listed = await raw(server, `/api/v1/leads/${lead.id}/sources`, { key })
        expect(listed.status).toBe(200)
        const sources = (await listed.json()).items as Array<{
          type: string
          url: string
          fetchedAt: string
          rawPayload: { status: number; contentHash: string; title: string | null }
        }>
        expect(sources.map((s) => s.url).sort()).toEqual([
          `${origin}/`,
          `${origin}/about`,
          `${origin}/contact`,
          `${origin}/team`
        ])
        const about = sources.find((s) => s.url === `${origin}/about`)
        expect(about).toMatchObject({ type: "website", rawPayload: { status: 200, title: "About Acme" } })
        expect(about?.rawPayload.contentHash).toMatch(/^[0-9a-f]{64}$/)
        const docs = (await (await raw(server, "/api/v1/knowledge", { key })).json()).items as Array<{
          sourceUrl: string | null
          leadId: string | null
        }>
        const leadDocs = docs.filter((d) => d.leadId === lead.id).map((d) => d.sourceUrl)
        // PGlite has pgvector; the test PostgreSQL does not, so there only the data sources are kept
        expect(leadDocs.sort()).toEqual(
          backend.name === "pglite" ? [`${origin}/`, `${origin}/about`, `${origin}/contact`, `${origin}/team`] : []
        )

        const enriched = await postJson(server, `/api/v1/leads/${lead.id}/enrich`, key, {})
        expect(enriched.status).toBe(200)
        const body = await enriched.json()
        const employees = body.claims.find((c: { field: string }) => c.field === "employeeCount")
        expect(employees).toMatchObject({ applied: true, lowConfidence: false, value: 51 })
        const cited = body.evidence.filter((e: { id: string }) => employees.evidence.includes(e.id))
        expect(cited.map((e: { url: string }) => e.url)).toEqual([`${origin}/about`])

        const before = site.requests.length
        const again = await waitFor(
          (await (await postJson(server, `/api/v1/leads/${lead.id}/crawl`, key, {})).json()).id
        )
        expect(again.result.pages.every((p: { outcome: string }) => p.outcome === "fresh")).toBe(true)
        expect(site.requests.length).toBe(before)
      },
      SLOW
    )

    it(
      "enrich_company with crawl: true crawls first; crawl answers 404 for an unknown lead, 422 for one without a site",
      async () => {
        const created = await postJson(server, "/api/v1/leads", key, {
          companyName: "Acme Robotics Two",
          domain: "acme-two.example",
          website: `${origin}/`
        })
        const lead = await created.json()
        const submitted = await postJson(server, "/api/v1/research", key, {
          kind: "enrich_company",
          leadId: lead.id,
          crawl: true
        })
        expect(submitted.status).toBe(202)
        const done = await waitFor((await submitted.json()).id)
        expect(done.status).toBe("succeeded")
        expect(done.result.crawl.pages.map((p: { outcome: string }) => p.outcome)).toEqual([
          "stored",
          "stored",
          "stored",
          "stored"
        ])
        const employees = done.result.claims.find((c: { field: string }) => c.field === "employeeCount")
        expect(employees.lowConfidence).toBe(false)

        const missing = await postJson(server, `/api/v1/leads/${crypto.randomUUID()}/crawl`, key, {})
        expect(missing.status).toBe(404)
        expect((await raw(server, `/api/v1/leads/${crypto.randomUUID()}/sources`, { key })).status).toBe(404)
        const noSite = await (await postJson(server, "/api/v1/leads", key, { companyName: "No Site Ltd" })).json()
        const refused = await postJson(server, `/api/v1/leads/${noSite.id}/crawl`, key, {})
        expect(refused.status).toBe(422)
        expect(JSON.stringify(await refused.json())).toContain("leadId")
      },
      SLOW
    )
  })
