import { Context, Effect } from "effect"

/** How much of a site a crawl reads and how often (WEB_CRAWL_MAX_PAGES, WEB_RECRAWL_AFTER). */
export interface CrawlLimits {
  /** Same-site pages read after the home page. */
  readonly maxPages: number
  /** A page fetched more recently than this is not fetched again. */
  readonly recrawlAfterMs: number
}

export const DEFAULT_CRAWL_LIMITS: CrawlLimits = { maxPages: 10, recrawlAfterMs: 7 * 24 * 60 * 60 * 1000 }

export class CrawlPolicy extends Context.Tag("@leadforge/domain/CrawlPolicy")<CrawlPolicy, CrawlLimits>() {}

/** The configured limits, or the defaults when none are provided. */
export const crawlLimits: Effect.Effect<CrawlLimits> = Effect.map(Effect.serviceOption(CrawlPolicy), (policy) =>
  policy._tag === "Some" ? policy.value : DEFAULT_CRAWL_LIMITS
)
