import { Effect } from "effect"
import type { LeadId } from "../model/ids.js"
import { rescoreStored } from "./Scoring.js"
import { audit, loadLead, transactionally, type UseCaseContext } from "./UseCaseContext.js"

/** Rescores a lead now; returns it with the full explanation of its score. */
export const rescoreLead = (ctx: UseCaseContext, id: LeadId) =>
  Effect.gen(function* () {
    const current = yield* loadLead(ctx, id)
    const result = yield* rescoreStored(current)
    if (result.lead.version !== current.version) {
      yield* audit(ctx, "update", "lead", id, {
        changes: {
          leadScore: { before: current.leadScore, after: result.lead.leadScore },
          grade: { before: current.grade, after: result.lead.grade }
        },
        reason: "rescore"
      })
    }
    return result
  }).pipe(transactionally, Effect.withSpan("rescoreLead"))
