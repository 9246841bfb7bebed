import { Cause, Effect, Option } from "effect"
import type { Lead } from "../model/Lead.js"
import { Embedder } from "../ports/Embedder.js"
import { VectorIndex } from "../ports/VectorIndex.js"
import { indexLeads, leadProfileText } from "./knowledgeLeads.js"

/** A committed lead write as the index sees it: `before` is null for a new lead, `after` null for a removed one. */
export interface LeadChange {
  readonly before: Lead | null
  readonly after: Lead | null
}

/** How long a lead write may wait for the index before it gives up and leaves the lead to `leadforge reindex`. */
export const LEAD_INDEX_TIMEOUT = "10 seconds"

const needsEmbedding = ({ before, after }: LeadChange): ReadonlyArray<Lead> =>
  after !== null && (before === null || leadProfileText(before) !== leadProfileText(after)) ? [after] : []

/**
 * Keeps the lead index in step with lead writes that have committed: re-embeds the leads whose profile text
 * changed (a status change or a rescore costs nothing) and removes the deleted ones.
 *
 * The index is a derived view, so this never fails the write: an unavailable embedder or index, an index built
 * by another embedder, or a timeout is logged as a warning and the lead waits for `leadforge reindex`. Without an
 * Embedder and a VectorIndex in the context (a database with no vector store) there is nothing to keep in step.
 */
export const syncLeadIndex = (changes: ReadonlyArray<LeadChange>): Effect.Effect<void> =>
  Effect.gen(function* () {
    const index = yield* Effect.serviceOption(VectorIndex)
    const embedder = yield* Effect.serviceOption(Embedder)
    if (Option.isNone(index) || Option.isNone(embedder)) return
    const stale = changes.flatMap(needsEmbedding)
    const removed = changes.flatMap(({ before, after }) => (after === null && before !== null ? [before] : []))
    if (stale.length === 0 && removed.length === 0) return
    yield* Effect.gen(function* () {
      for (const lead of removed) {
        yield* index.value.delete({ organizationId: lead.organizationId, kind: "lead", ids: [lead.id] })
      }
      yield* indexLeads(stale)
    }).pipe(
      Effect.provideService(VectorIndex, index.value),
      Effect.provideService(Embedder, embedder.value),
      Effect.timeout(LEAD_INDEX_TIMEOUT),
      Effect.catchAllCause((cause) =>
        Cause.isInterruptedOnly(cause)
          ? Effect.interrupt
          : Effect.logWarning("the lead index was not updated; `leadforge reindex` will catch it up", cause).pipe(
              Effect.annotateLogs({
                indexed: stale.map((lead) => lead.id).join(","),
                removed: removed.map((lead) => lead.id).join(",")
              })
            )
      )
    )
  }).pipe(Effect.withSpan("syncLeadIndex"))
