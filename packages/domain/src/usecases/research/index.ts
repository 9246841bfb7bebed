export * from "./dispatcher.js"
export * from "./lifecycle.js"
export {
  CrawlWebsiteRequest,
  DEFAULT_CONTACT_PROPOSALS,
  DEFAULT_RESEARCH_MAX_ATTEMPTS,
  decodeResearchRequest,
  EnrichCompanyRequest,
  FindContactsRequest,
  QueryRequest,
  ResearchRequest
} from "./requests.js"
export * from "./results.js"
