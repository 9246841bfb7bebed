import { CrawlPolicy, type PageExtractor, type WebFetcher } from "@leadforge/domain"
import { type ConfigError, Effect, Layer } from "effect"
import { PageExtractorCheerio, WebFetcherUndici } from "../web/index.js"
import { RuntimeSettings, type Settings, settingsLayer } from "./Settings.js"

/** What website research needs: the fetcher, the page extractor and the crawl limits. */
export type WebServices = WebFetcher | PageExtractor | CrawlPolicy

/** The undici fetcher with the WEB_* settings (it logs WEB_FETCH_ALLOW at start when that is set). */
export const webFor = (settings: Settings): Layer.Layer<WebServices> =>
  Layer.mergeAll(
    WebFetcherUndici.layer(settings.web),
    PageExtractorCheerio,
    Layer.succeed(CrawlPolicy, { maxPages: settings.web.maxPages, recrawlAfterMs: settings.web.recrawlAfterMs })
  )

export const web: Layer.Layer<WebServices, ConfigError.ConfigError> = Layer.unwrapEffect(
  Effect.map(RuntimeSettings, webFor)
).pipe(Layer.provide(settingsLayer))
