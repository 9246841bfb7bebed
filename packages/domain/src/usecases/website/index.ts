export { type CrawlWebsiteResult, crawlWebsite, listLeadSources, withWebResearch } from "./crawlWebsite.js"
export { type CrawledPage, decodeWebPageRecord, WebPageRecord } from "./pageRecord.js"
