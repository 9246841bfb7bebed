export * from "./ReindexWorker.js"
export * from "./ResearchWorker.js"
export * from "./Worker.js"
