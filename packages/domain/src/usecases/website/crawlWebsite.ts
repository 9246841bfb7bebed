import { Effect, Either, Option } from "effect"
import { FieldIssue, UniqueConflict, ValidationFailed } from "../../errors.js"
import { Contact } from "../../model/Contact.js"
import { FieldProvenance } from "../../model/common.js"
import { DataSource } from "../../model/DataSource.js"
import { type ContactId, type DataSourceId, type KnowledgeDocId, type LeadId, newId } from "../../model/ids.js"
import type { Lead } from "../../model/Lead.js"
import type { ExtractedPage, PageLink } from "../../model/WebPage.js"
import { ContactRepository } from "../../ports/ContactRepository.js"
import { crawlLimits } from "../../ports/CrawlPolicy.js"
import { DataSourceRepository } from "../../ports/DataSourceRepository.js"
import { Embedder } from "../../ports/Embedder.js"
import { PageExtractor } from "../../ports/PageExtractor.js"
import { VectorIndex } from "../../ports/VectorIndex.js"
import { type FetchedPage, WebFetcher, type WebFetchFailed, WebResearchNotConfigured } from "../../ports/WebFetcher.js"
import { classifyProposals, researchedFields } from "../../rules/proposals.js"
import { parseUrl } from "../../rules/url.js"
import {
  choosePages,
  homePageOf,
  type PageProposal,
  pageContacts,
  pageKey,
  pageProposals
} from "../../rules/website.js"
import { contentHash, ingestDocument } from "../knowledge.js"
import { rescoreStored } from "../Scoring.js"
import { audit, currentDate, loadLead, transactionally, type UseCaseContext } from "../UseCaseContext.js"
import { type CrawledPage, decodeWebPageRecord, type WebPageRecord } from "./pageRecord.js"

/** Confidence of facts read from the company's own site. */
const WEBSITE_CONFIDENCE = 70
const EXCERPT_CHARS = 1_000
const KEPT_LINKS = 200

export interface CrawlWebsiteResult {
  readonly kind: "crawl_website"
  readonly leadId: LeadId
  readonly home: string
  readonly pages: ReadonlyArray<CrawledPage>
  readonly contacts: {
    readonly added: ReadonlyArray<{ readonly contactId: ContactId; readonly name: string; readonly source: string }>
    readonly duplicates: number
    readonly rejected: number
  }
}

interface PageRead {
  readonly outcome: CrawledPage
  readonly links: ReadonlyArray<PageLink>
  readonly extracted: ExtractedPage | null
  readonly source: DataSource | null
  readonly error?: WebFetchFailed
}

const failed = (url: string, error: WebFetchFailed): PageRead => ({
  outcome: {
    url,
    outcome: "failed",
    reason: error.reason,
    ...(error.status === undefined ? {} : { status: error.status })
  },
  links: [],
  extracted: null,
  source: null,
  error
})

/** The page's text as a knowledge document of the lead, replaced only when the text changed. */
const storeDocument = (
  ctx: UseCaseContext,
  lead: Lead,
  page: FetchedPage,
  text: string,
  title: string,
  id: string | null
) =>
  Effect.gen(function* () {
    const embedder = yield* Effect.serviceOption(Embedder)
    const index = yield* Effect.serviceOption(VectorIndex)
    if (Option.isNone(embedder) || Option.isNone(index) || text.trim() === "") return null
    const ingested = yield* ingestDocument(ctx, {
      ...(id === null ? {} : { id: id as KnowledgeDocId }),
      title: title.slice(0, 500),
      text,
      contentType: "text",
      sourceUrl: page.url,
      leadId: lead.id
    }).pipe(
      Effect.provideService(Embedder, embedder.value),
      Effect.provideService(VectorIndex, index.value),
      // the same text is already a document (another lead's page, a pasted copy): cite that one
      Effect.catchIf(
        (error): error is UniqueConflict => error instanceof UniqueConflict,
        (conflict) => Effect.succeed({ document: { id: conflict.existingId } })
      )
    )
    return ingested.document.id as string
  })

/** Reads one page: skipped while fresh, revalidated when stale, stored or replaced when its text changed. */
const readPage = (
  ctx: UseCaseContext,
  lead: Lead,
  url: string,
  known: ReadonlyMap<string, { readonly source: DataSource; readonly record: WebPageRecord }>,
  recrawlAfterMs: number
) =>
  Effect.gen(function* () {
    const now = yield* currentDate
    const previous = known.get(pageKey(url))
    if (previous !== undefined && now.getTime() - previous.source.fetchedAt.getTime() < recrawlAfterMs) {
      return {
        outcome: { url, outcome: "fresh", sourceId: previous.source.id, documentId: previous.record.knowledgeDocId },
        links: previous.record.links,
        extracted: null,
        source: previous.source
      } satisfies PageRead as PageRead
    }
    const fetched = yield* Effect.either(
      (yield* WebFetcher).fetch(url, {
        purpose: "page",
        etag: previous?.record.etag ?? null,
        lastModified: previous?.record.lastModified ?? null
      })
    )
    if (Either.isLeft(fetched)) return failed(url, fetched.left)
    const page = fetched.right
    const sources = yield* DataSourceRepository
    if (page.notModified && previous !== undefined) {
      const source = yield* sources.update(new DataSource({ ...previous.source, fetchedAt: page.fetchedAt }))
      return {
        outcome: { url, outcome: "not_modified", sourceId: source.id, documentId: previous.record.knowledgeDocId },
        links: previous.record.links,
        extracted: null,
        source
      } satisfies PageRead as PageRead
    }
    const extracted = yield* (yield* PageExtractor).extract(page)
    const hash = contentHash(extracted.text)
    const unchanged = previous !== undefined && previous.record.contentHash === hash
    const documentId = unchanged
      ? previous.record.knowledgeDocId
      : yield* storeDocument(
          ctx,
          lead,
          page,
          extracted.text,
          extracted.title ?? page.url,
          previous?.record.knowledgeDocId ?? null
        )
    const contacts = pageContacts(extracted, lead.domain)
    const record: WebPageRecord = {
      requestedUrl: url,
      status: page.status,
      contentHash: hash,
      etag: page.etag,
      lastModified: page.lastModified,
      contentType: page.contentType,
      charset: page.charset,
      bytes: page.bytes,
      knowledgeDocId: documentId,
      title: extracted.title,
      description: extracted.description,
      language: extracted.language,
      excerpt: extracted.text.slice(0, EXCERPT_CHARS),
      organizations: extracted.organizations,
      openGraph: extracted.openGraph,
      emails: contacts.emails,
      phones: contacts.phones,
      people: extracted.people,
      links: extracted.links.slice(0, KEPT_LINKS)
    }
    const source = new DataSource({
      id: previous?.source.id ?? newId<DataSourceId>(),
      organizationId: ctx.organizationId,
      leadId: lead.id,
      type: "website",
      url: page.url,
      rawPayload: record,
      confidence: WEBSITE_CONFIDENCE,
      fetchedAt: page.fetchedAt,
      createdAt: previous?.source.createdAt ?? now
    })
    yield* previous === undefined ? sources.insert(source) : sources.update(source)
    const outcome = previous === undefined ? "stored" : unchanged ? "unchanged" : "replaced"
    return {
      outcome: { url, outcome, status: page.status, sourceId: source.id, documentId },
      links: extracted.links,
      extracted,
      source
    } satisfies PageRead as PageRead
  })

/** An address on the page that looks like the person's own (ada@, ada.lovelace@, alovelace@, …). */
const emailFor = (name: string, emails: ReadonlyArray<string>): string | null => {
  const parts = name
    .toLowerCase()
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .split(/\s+/)
  const first = parts[0] ?? ""
  const last = parts.at(-1) ?? ""
  const locals = new Set([`${first}.${last}`, `${first}${last}`, `${first[0]}${last}`, `${first}_${last}`, first])
  return emails.find((email) => locals.has(email.split("@")[0] ?? "")) ?? null
}

/** Team-page people become contacts through the research proposals' validation and dedupe. */
const storePeople = (
  ctx: UseCaseContext,
  leadId: LeadId,
  pages: ReadonlyArray<{ readonly source: DataSource; readonly proposals: ReadonlyArray<PageProposal> }>,
  taskId: string
) =>
  Effect.gen(function* () {
    const contacts = yield* ContactRepository
    const lead = yield* loadLead(ctx, leadId)
    const now = yield* currentDate
    const proposals = pages.flatMap(({ source, proposals }) => proposals.map((proposal) => ({ ...proposal, source })))
    const decisions = classifyProposals(proposals, {
      leadId: lead.id,
      companyDomain: lead.domain,
      stored: yield* contacts.listByLead(ctx.organizationId, lead.id),
      taskId
    })
    const added: Array<{ contactId: ContactId; name: string; source: string }> = []
    let duplicates = 0
    let rejected = 0
    for (const decision of decisions) {
      if (decision._tag === "Rejected") rejected++
      if (decision._tag !== "New") {
        if (decision._tag !== "Rejected") duplicates++
        continue
      }
      const { validation, proposal } = decision
      if (validation.contact.email !== null) {
        const elsewhere = yield* contacts.findByEmail(ctx.organizationId, validation.contact.email)
        if (Option.isSome(elsewhere)) {
          duplicates++
          continue
        }
      }
      const provenance: Record<string, FieldProvenance> = {}
      for (const field of researchedFields(validation)) {
        provenance[field] = new FieldProvenance({
          origin: "research",
          confidence: Math.min(WEBSITE_CONFIDENCE, Math.round(validation.confidence)),
          observedAt: now,
          sourceId: proposal.source.id
        })
      }
      const contact = yield* contacts.insert(
        new Contact({
          id: newId<ContactId>(),
          organizationId: ctx.organizationId,
          leadId: lead.id,
          ...validation.contact,
          emailConfidence: Math.round(validation.contact.emailConfidence),
          source: "research",
          provenance,
          createdAt: now,
          updatedAt: now,
          version: 1
        })
      )
      yield* audit(ctx, "create", "contact", contact.id, {
        leadId: lead.id,
        email: contact.email,
        emailStatus: contact.emailStatus,
        dataSourceId: proposal.source.id,
        researchTaskId: taskId
      })
      added.push({ contactId: contact.id, name: proposal.fullName ?? "", source: proposal.source.url ?? "" })
    }
    if (added.length > 0) yield* rescoreStored(lead)
    return { added, duplicates, rejected }
  }).pipe(transactionally)

/**
 * Reads a lead's public website: the home page, sitemap.xml when present, and up to WEB_CRAWL_MAX_PAGES same-site
 * pages chosen by path and link text. Each page becomes one `website` data source (replaced when re-fetched) and
 * its text a knowledge document of the lead (replaced only when the text changed), so enrichment can cite it;
 * team-page people become contacts with the page as their source. A page fetched less than WEB_RECRAWL_AFTER ago
 * is not fetched again; older ones are revalidated. When the home page cannot be read the crawl fails with its
 * reason; other pages' failures are recorded per page.
 */
export const crawlWebsite = (ctx: UseCaseContext, leadId: LeadId, taskId: string) =>
  Effect.gen(function* () {
    const lead = yield* loadLead(ctx, leadId)
    const home = homePageOf(lead)
    if (home === null) {
      return yield* new ValidationFailed({
        entity: "research_task",
        issues: [new FieldIssue({ field: "leadId", code: "no_website", message: "the lead has no website or domain" })]
      })
    }
    const limits = yield* crawlLimits
    const known = new Map<string, { source: DataSource; record: WebPageRecord }>()
    for (const source of yield* (yield* DataSourceRepository).listByLead(ctx.organizationId, lead.id)) {
      if (source.type !== "website" || source.url === null) continue
      const record = decodeWebPageRecord(source.rawPayload)
      if (Option.isNone(record)) continue
      known.set(pageKey(record.value.requestedUrl), { source, record: record.value })
      known.set(pageKey(source.url), { source, record: record.value })
    }
    const first = yield* readPage(ctx, lead, home, known, limits.recrawlAfterMs)
    if (first.error !== undefined) return yield* Effect.fail(first.error)
    const origin = parseUrl(first.source?.url ?? home)
    const fetcher = yield* WebFetcher
    const extractor = yield* PageExtractor
    // a home page read within WEB_RECRAWL_AFTER stands for its whole crawl: its sitemap and failures are reused
    const earlier = first.outcome.outcome === "fresh" ? known.get(pageKey(home))?.record.crawl : undefined
    const sitemapPages =
      earlier !== undefined
        ? earlier.sitemapPages
        : origin === null
          ? []
          : yield* fetcher.fetch(`${origin.protocol}//${origin.host}/sitemap.xml`, { purpose: "sitemap" }).pipe(
              Effect.flatMap((page) => extractor.sitemap(page.body)),
              Effect.map((sitemap) => sitemap.pages),
              Effect.orElseSucceed(() => [] as ReadonlyArray<string>)
            )
    const chosen = choosePages(first.source?.url ?? home, first.links, sitemapPages, limits.maxPages)
    const failedEarlier = new Map((earlier?.failed ?? []).map((f) => [pageKey(f.url), f]))
    const rest = yield* Effect.forEach(chosen, (url) => {
      const failure = failedEarlier.get(pageKey(url))
      return failure === undefined
        ? readPage(ctx, lead, url, known, limits.recrawlAfterMs)
        : Effect.succeed<PageRead>({
            outcome: {
              url,
              outcome: "failed",
              reason: failure.reason,
              ...(failure.status === undefined ? {} : { status: failure.status })
            },
            links: [],
            extracted: null,
            source: null
          })
    })
    const reads = [first, ...rest]
    if (earlier === undefined && first.source !== null && first.outcome.outcome !== "fresh") {
      const record = decodeWebPageRecord(first.source.rawPayload)
      if (Option.isSome(record)) {
        const failed = rest.flatMap(({ outcome }) =>
          outcome.outcome === "failed"
            ? [
                {
                  url: outcome.url,
                  reason: outcome.reason ?? "unreachable",
                  ...(outcome.status === undefined ? {} : { status: outcome.status })
                }
              ]
            : []
        )
        yield* (yield* DataSourceRepository).update(
          new DataSource({
            ...first.source,
            rawPayload: { ...record.value, crawl: { sitemapPages: sitemapPages.slice(0, 500), failed } }
          })
        )
      }
    }
    const people = reads.flatMap(({ extracted, source, outcome }) => {
      if (extracted === null || source === null) return []
      const emails = pageContacts(extracted, lead.domain).emails
      const proposals = pageProposals(source.url ?? outcome.url, extracted).map((proposal) => {
        const email = emailFor(proposal.fullName ?? "", emails)
        return email === null ? proposal : { ...proposal, email }
      })
      return [{ source, proposals }]
    })
    const contacts = yield* storePeople(ctx, lead.id, people, taskId)
    const pages = reads.map((read) => read.outcome)
    yield* audit(ctx, "research", "lead", lead.id, {
      researchTaskId: taskId,
      kind: "crawl_website",
      pages: pages.map(({ url, outcome, reason }) => ({ url, outcome, reason: reason ?? null })),
      contactsAdded: contacts.added.map((c) => c.contactId)
    })
    return { kind: "crawl_website", leadId: lead.id, home, pages, contacts } satisfies CrawlWebsiteResult
  }).pipe(Effect.withSpan("crawlWebsite", { attributes: { leadId } }))

/**
 * Runs `effect` with the WebFetcher and PageExtractor when this process has them, else fails with
 * WebResearchNotConfigured: research tasks of the other kinds run without them.
 */
export const withWebResearch = <A, E, R>(
  effect: Effect.Effect<A, E, R>
): Effect.Effect<A, E | WebResearchNotConfigured, Exclude<Exclude<R, WebFetcher>, PageExtractor>> =>
  Effect.gen(function* () {
    const fetcher = yield* Effect.serviceOption(WebFetcher)
    const extractor = yield* Effect.serviceOption(PageExtractor)
    if (Option.isNone(fetcher) || Option.isNone(extractor)) return yield* new WebResearchNotConfigured()
    return yield* effect.pipe(
      Effect.provideService(WebFetcher, fetcher.value),
      Effect.provideService(PageExtractor, extractor.value)
    )
  })

/** A lead's data sources (website pages, enrichments, …), newest first; LeadNotFound for another org's lead. */
export const listLeadSources = (ctx: UseCaseContext, leadId: LeadId) =>
  Effect.gen(function* () {
    const lead = yield* loadLead(ctx, leadId)
    return yield* (yield* DataSourceRepository).listByLead(ctx.organizationId, lead.id)
  }).pipe(Effect.withSpan("listLeadSources"))
