export { run } from "./Cli.js"
export { EXIT } from "./exitCodes.js"
export { type ServeOptions, serve, start } from "./server/serve.js"
