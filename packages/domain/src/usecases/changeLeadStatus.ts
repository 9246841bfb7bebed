import { Effect, Either } from "effect"
import { VersionConflict } from "../errors.js"
import type { LeadId } from "../model/ids.js"
import { Lead } from "../model/Lead.js"
import { type LeadStatus, transitionStatus } from "../model/LeadStatus.js"
import { LeadRepository } from "../ports/LeadRepository.js"
import { scoreOf, withScore } from "./Scoring.js"
import { audit, currentDate, loadLead, transactionally, type UseCaseContext } from "./UseCaseContext.js"

export interface StatusChangeOptions {
  readonly reopen?: boolean
  readonly expectedVersion?: number
}

/** Moves a lead through the status machine (see transitionStatus), rescoring it. */
export const changeLeadStatus = (ctx: UseCaseContext, id: LeadId, to: LeadStatus, options: StatusChangeOptions = {}) =>
  Effect.gen(function* () {
    const current = yield* loadLead(ctx, id)
    if (options.expectedVersion !== undefined && options.expectedVersion !== current.version) {
      return yield* new VersionConflict({
        entity: "lead",
        id,
        expectedVersion: options.expectedVersion,
        actualVersion: current.version
      })
    }
    const transition = transitionStatus(
      current.status,
      to,
      options.reopen === undefined ? {} : { reopen: options.reopen }
    )
    if (Either.isLeft(transition)) return yield* transition.left
    const now = yield* currentDate
    const next = new Lead({ ...current, status: transition.right, updatedAt: now, version: current.version + 1 })
    const score = yield* scoreOf(next)
    const lead = yield* (yield* LeadRepository).update(withScore(next, score))
    yield* audit(ctx, "status_change", "lead", id, {
      from: current.status,
      to: lead.status,
      reopen: options.reopen === true,
      score: lead.leadScore
    })
    return lead
  }).pipe(transactionally, Effect.withSpan("changeLeadStatus"))
