import { Cause, Effect, Option } from "effect"
import type { Lead } from "../model/Lead.js"
import { Embedder } from "../ports/Embedder.js"
import { LeadRepository } from "../ports/LeadRepository.js"
import { VectorIndex } from "../ports/VectorIndex.js"
import { indexLeads, leadProfileText } from "./knowledgeLeads.js"

/** A committed lead write as the index sees it: `before` is null for a new lead, `after` null for a removed one. */
export interface LeadChange {
  readonly before: Lead | null
  readonly after: Lead | null
}

/** How long a lead write may wait for the index before it gives up and leaves the lead to `leadforge reindex`. */
export const LEAD_INDEX_TIMEOUT = "10 seconds"

/**
 * How many times one sync re-writes a lead whose committed profile moved on while the index was being written
 * (each round means another write committed in that window; that write's own sync catches up in any case).
 */
export const LEAD_INDEX_ROUNDS = 4

const profileChanged = ({ before, after }: LeadChange): boolean =>
  before === null || after === null ? before !== after : leadProfileText(before) !== leadProfileText(after)

/** The index entry a lead should have: its profile text, or nothing once it is gone. */
const entryOf = (lead: Option.Option<Lead>): string | null =>
  Option.match(lead, { onNone: () => null, onSome: leadProfileText })

/**
 * Writes one lead's index entry, then re-reads the committed lead and writes again while its profile differs from
 * what was written. Two writes of one lead can commit in one order and reach the index in the other (a slow
 * embedding call, two server processes): without the re-read the older profile, or a deleted lead, could stay in
 * the index. Every sync ends by checking the committed lead after its last index write, so the last index write
 * of a lead is always checked against the last commit before it, and the index converges on what is committed.
 */
const syncOne = (lead: Lead, written: Lead | null) =>
  Effect.gen(function* () {
    const index = yield* VectorIndex
    const leads = yield* LeadRepository
    const write = (target: Lead | null) =>
      target === null
        ? index.delete({ organizationId: lead.organizationId, kind: "lead", ids: [lead.id] })
        : indexLeads([target])
    yield* write(written)
    let entry = written === null ? null : leadProfileText(written)
    for (let round = 0; round < LEAD_INDEX_ROUNDS; round++) {
      const committed = yield* leads.findById(lead.organizationId, lead.id)
      if (entryOf(committed) === entry) return
      yield* Effect.annotateCurrentSpan("leadforge.index.rounds", round + 1)
      yield* write(Option.getOrNull(committed))
      entry = entryOf(committed)
    }
    yield* Effect.logWarning("a lead kept changing while it was indexed; the next write or `leadforge reindex` will")
  })

/**
 * Keeps the lead index in step with lead writes that have committed: re-embeds the leads whose profile text
 * changed (a status change or a rescore costs nothing) and removes the deleted ones, then re-reads each such lead
 * so that writes racing each other leave the index with the profile that committed last (see syncOne).
 *
 * The index is a derived view, so this never fails the write: an unavailable embedder or index, an index built
 * by another embedder, or a timeout is logged as a warning and the lead waits for `leadforge reindex`. Without an
 * Embedder and a VectorIndex in the context (a database with no vector store) there is nothing to keep in step.
 */
export const syncLeadIndex = (changes: ReadonlyArray<LeadChange>): Effect.Effect<void, never, LeadRepository> =>
  Effect.gen(function* () {
    const index = yield* Effect.serviceOption(VectorIndex)
    const embedder = yield* Effect.serviceOption(Embedder)
    if (Option.isNone(index) || Option.isNone(embedder)) return
    const changed = changes.filter(profileChanged)
    if (changed.length === 0) return
    yield* Effect.forEach(changed, (change) => syncOne((change.after ?? change.before)!, change.after), {
      discard: true
    }).pipe(
      Effect.provideService(VectorIndex, index.value),
      Effect.provideService(Embedder, embedder.value),
      Effect.timeout(LEAD_INDEX_TIMEOUT),
      Effect.catchAllCause((cause) =>
        Cause.isInterruptedOnly(cause)
          ? Effect.interrupt
          : Effect.logWarning("the lead index was not updated; `leadforge reindex` will catch it up", cause).pipe(
              Effect.annotateLogs({
                indexed: changed.flatMap(({ after }) => (after === null ? [] : [after.id])).join(","),
                removed: changed.flatMap(({ before, after }) => (after === null ? [before!.id] : [])).join(",")
              })
            )
      )
    )
  }).pipe(Effect.withSpan("syncLeadIndex"))
