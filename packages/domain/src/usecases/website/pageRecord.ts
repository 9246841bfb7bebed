import { Schema } from "effect"
import { PageLink, PageOrganization, PagePerson } from "../../model/WebPage.js"

/**
 * The raw payload of a `website` data source: one per page of a lead's site, replaced when the page is fetched
 * again. The page's text is its knowledge document (`knowledgeDocId`); an excerpt stays here as evidence.
 */
export const WebPageRecord = Schema.Struct({
  requestedUrl: Schema.String,
  status: Schema.Int,
  contentHash: Schema.String,
  etag: Schema.NullOr(Schema.String),
  lastModified: Schema.NullOr(Schema.String),
  contentType: Schema.String,
  charset: Schema.String,
  bytes: Schema.Int,
  knowledgeDocId: Schema.NullOr(Schema.String),
  title: Schema.NullOr(Schema.String),
  description: Schema.NullOr(Schema.String),
  language: Schema.NullOr(Schema.String),
  excerpt: Schema.String,
  organizations: Schema.Array(PageOrganization),
  openGraph: Schema.Record({ key: Schema.String, value: Schema.String }),
  emails: Schema.Array(Schema.String),
  phones: Schema.Array(Schema.String),
  people: Schema.Array(PagePerson),
  /** Links the page's next crawl chooses from (a fresh page is not fetched, so they are kept). */
  links: Schema.Array(PageLink),
  /** The home page only: what its crawl found in sitemap.xml and which pages failed, for the crawls it is fresh for. */
  crawl: Schema.optional(
    Schema.Struct({
      sitemapPages: Schema.Array(Schema.String),
      failed: Schema.Array(
        Schema.Struct({ url: Schema.String, reason: Schema.String, status: Schema.optional(Schema.Int) })
      )
    })
  )
})
export type WebPageRecord = typeof WebPageRecord.Type

export const decodeWebPageRecord = Schema.decodeUnknownOption(WebPageRecord)

/** What became of one page in a crawl. */
export interface CrawledPage {
  readonly url: string
  readonly outcome: "stored" | "replaced" | "unchanged" | "not_modified" | "fresh" | "failed"
  /** The stable WebFetchReason code, for failed pages. */
  readonly reason?: string
  readonly status?: number
  readonly sourceId?: string
  readonly documentId?: string | null
}
