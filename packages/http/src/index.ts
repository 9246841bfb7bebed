export * from "./Api.js"
export { type LeadforgeClient, makeClient } from "./client.js"
export { bootstrap, createOrganizationWithKey, generateKey, hashKey, issueKey, KEY_PATTERN } from "./http/ApiKeys.js"
export { ApiLive, ApiServer } from "./server.js"
