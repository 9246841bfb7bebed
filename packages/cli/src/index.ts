export { run } from "./Cli.js"
export { EXIT } from "./exitCodes.js"
