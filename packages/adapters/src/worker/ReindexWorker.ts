import { isPermanentReindexFailure, REINDEX_KINDS, runReindexTask } from "@leadforge/domain"
import { drain, type WorkerOptions, workerLayer } from "./Worker.js"

const withDefaults = (options: WorkerOptions): WorkerOptions => ({
  permanent: isPermanentReindexFailure,
  ...options,
  kinds: REINDEX_KINDS
})

/** The reindex worker as a layer, for `serve`: claims only reindex tasks; needs the embedder and vector index. */
export const reindexWorkerLayer = (options: WorkerOptions = {}) => workerLayer(runReindexTask, withDefaults(options))

/** Runs reindex tasks until none is runnable; returns their outcomes. */
export const drainReindex = (options: WorkerOptions = {}) => drain(runReindexTask, withDefaults(options))
