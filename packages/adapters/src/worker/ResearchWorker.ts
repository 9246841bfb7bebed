import { isPermanentResearchFailure, RESEARCH_KINDS, runResearchTask } from "@leadforge/domain"
import type { Effect } from "effect"
import { drain, runWorker, type WorkerOptions, workerLayer } from "./Worker.js"

/** The ports a research task needs: repositories, transactor, audit log and the LanguageModel. */
export type ResearchServices = Effect.Effect.Context<ReturnType<typeof runResearchTask>>

const withDefaults = (options: WorkerOptions): WorkerOptions => ({
  permanent: isPermanentResearchFailure,
  kinds: RESEARCH_KINDS,
  ...options
})

/** A long-running research worker (`leadforge worker`): runResearchTask, permanent failures not retried. */
export const runResearchWorker = (options: WorkerOptions = {}) => runWorker(runResearchTask, withDefaults(options))

/** The research worker as a layer, for `serve` and `leadforge worker`. */
export const researchWorkerLayer = (options: WorkerOptions = {}) => workerLayer(runResearchTask, withDefaults(options))

/** Runs research tasks until none is runnable; returns their outcomes. */
export const drainResearch = (options: WorkerOptions = {}) => drain(runResearchTask, withDefaults(options))
