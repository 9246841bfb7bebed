export * from "./Api.js"
export { type LeadforgeClient, makeClient } from "./client.js"
export { ApiLive, ApiServer } from "./server.js"
