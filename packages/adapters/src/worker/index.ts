export * from "./ResearchWorker.js"
export * from "./Worker.js"
