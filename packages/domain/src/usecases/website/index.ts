export { type CrawlWebsiteResult, crawlWebsite, withWebResearch } from "./crawlWebsite.js"
export { type CrawledPage, decodeWebPageRecord, WebPageRecord } from "./pageRecord.js"
