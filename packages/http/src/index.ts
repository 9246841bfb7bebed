export * from "./Api.js"
export { type LeadforgeClient, makeClient } from "./client.js"
export { ApiLive, type ServeOptions, serve, serveFromEnv, start, VERSION } from "./server.js"
