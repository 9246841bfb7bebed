export * from "./Api.js"
export { type LeadforgeClient, makeClient } from "./client.js"
export { bootstrap, createOrganizationWithKey, generateKey, hashKey, issueKey, KEY_PATTERN } from "./http/ApiKeys.js"
export { ApiLive, type ServeOptions, serve, serveFromEnv, start, VERSION } from "./server.js"
