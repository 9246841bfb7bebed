export * from "./activities.js"
export * from "./apiKeys.js"
export * from "./auditCheckpoint.js"
export * from "./catalog/index.js"
export * from "./changeLeadStatus.js"
export * from "./contactDirectory.js"
export * from "./contacts.js"
export * from "./createLead.js"
export * from "./deleteLead.js"
export * from "./enrichLead.js"
export * from "./invitations.js"
export * from "./knowledge.js"
export * from "./knowledgeLeads.js"
export * from "./knowledgeSearch.js"
export {
  buildDecodedLead,
  buildLead,
  decodeLeadFields,
  leadRuleIssues,
  normalizeLeadFields
} from "./LeadValidation.js"
export * from "./leadContacts.js"
export * from "./leadDetail.js"
export * from "./leadIndexSync.js"
export * from "./members.js"
export * from "./mergeLeads.js"
export * from "./organizations.js"
export * from "./recordActivity.js"
export * from "./reindex.js"
export * from "./rescoreLead.js"
export * from "./research/index.js"
export * from "./Scoring.js"
export * from "./seedActivities.js"
export * from "./sessions.js"
export * from "./tokens.js"
export {
  audit,
  currentDate,
  diff,
  loadContact,
  loadLead,
  transactionally,
  type UseCaseContext
} from "./UseCaseContext.js"
export * from "./updateLead.js"
export * from "./users.js"
export * from "./website/index.js"
