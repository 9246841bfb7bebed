import { Context, Effect } from "effect"
import type { Unavailable } from "../errors.js"
import { Lead } from "../model/Lead.js"
import { ActivityRepository } from "../ports/ActivityRepository.js"
import { ContactRepository } from "../ports/ContactRepository.js"
import { LeadRepository } from "../ports/LeadRepository.js"
import { defaultScoringModel, type LeadScore, type ScoringModel, scoreLead, scoringInputOf } from "../rules/scoring.js"
import { currentDate } from "./UseCaseContext.js"

/** The scoring model use cases score with; provide another to experiment with weights. */
export class CurrentScoringModel extends Context.Reference<CurrentScoringModel>()(
  "@leadforge/domain/CurrentScoringModel",
  { defaultValue: (): ScoringModel => defaultScoringModel }
) {}

/** Scores a lead from its stored contacts and activities plus its own (possibly unsaved) fields. */
export const scoreOf = (lead: Lead): Effect.Effect<LeadScore, Unavailable, ContactRepository | ActivityRepository> =>
  Effect.gen(function* () {
    const contacts = yield* (yield* ContactRepository).listByLead(lead.organizationId, lead.id)
    const activities = yield* (yield* ActivityRepository).listByLead(lead.organizationId, lead.id)
    const model = yield* CurrentScoringModel
    const now = yield* currentDate
    return scoreLead(scoringInputOf(lead, contacts, activities), model, now)
  })

export const withScore = (lead: Lead, score: LeadScore): Lead =>
  new Lead({ ...lead, leadScore: score.score, grade: score.grade })

/**
 * Rescores a stored lead and writes it when score or grade changed (bumping its version); returns the
 * current lead and the full explanation.
 */
export const rescoreStored = (lead: Lead) =>
  Effect.gen(function* () {
    const score = yield* scoreOf(lead)
    if (score.score === lead.leadScore && score.grade === lead.grade) return { lead, score }
    const now = yield* currentDate
    const updated = yield* (yield* LeadRepository).update(
      new Lead({ ...lead, leadScore: score.score, grade: score.grade, updatedAt: now, version: lead.version + 1 })
    )
    return { lead: updated, score }
  })
