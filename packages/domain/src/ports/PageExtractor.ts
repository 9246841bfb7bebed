import type { Effect } from "effect"
import { Context } from "effect"
import type { ExtractedPage } from "../model/WebPage.js"

export interface PageInput {
  /** The page's final URL: relative links are resolved against it. */
  readonly url: string
  readonly contentType: string
  readonly body: string
}

export declare namespace PageExtractor {
  export interface Service {
    /** Reads text, metadata, structured data, contacts and people out of a fetched page. */
    readonly extract: (page: PageInput) => Effect.Effect<ExtractedPage>
    /** The page URLs a sitemap lists (`<url><loc>`), and the sitemaps a sitemap index lists. */
    readonly sitemap: (body: string) => Effect.Effect<{
      readonly pages: ReadonlyArray<string>
      readonly sitemaps: ReadonlyArray<string>
    }>
  }
}

export class PageExtractor extends Context.Tag("@leadforge/domain/PageExtractor")<
  PageExtractor,
  PageExtractor.Service
>() {}
