import { Effect } from "effect"
import { InvalidMerge } from "../errors.js"
import type { LeadId } from "../model/ids.js"
import { Lead } from "../model/Lead.js"
import { ActivityRepository } from "../ports/ActivityRepository.js"
import { ContactRepository } from "../ports/ContactRepository.js"
import { LeadRepository } from "../ports/LeadRepository.js"
import { type MergePlan, planMerge } from "../rules/dedupe.js"
import { type LeadChange, syncLeadIndex } from "./leadIndexSync.js"
import { rescoreStored } from "./Scoring.js"
import { audit, currentDate, loadLead, transactionally, type UseCaseContext } from "./UseCaseContext.js"

export interface MergeResult {
  readonly plan: MergePlan<Lead>
  readonly lead: Lead
  readonly dryRun: boolean
  readonly movedContacts: number
  readonly movedActivities: number
}

/**
 * Merges `sourceId` into `targetId` (planMerge): the target keeps its id and takes the winning values;
 * contacts and activities move to it; the source is deleted. A dry run returns the plan and writes nothing.
 * After the commit the lead index follows: the target is re-embedded if its profile changed, the source removed.
 */
export const mergeLeads = (
  ctx: UseCaseContext,
  targetId: LeadId,
  sourceId: LeadId,
  options: { readonly dryRun?: boolean } = {}
) =>
  Effect.gen(function* () {
    if (targetId === sourceId) return yield* new InvalidMerge({ reason: "a lead cannot be merged with itself" })
    const target = yield* loadLead(ctx, targetId)
    const source = yield* loadLead(ctx, sourceId)
    const plan = planMerge(target, source)
    if (options.dryRun === true) {
      const result: MergeResult = { plan, lead: target, dryRun: true, movedContacts: 0, movedActivities: 0 }
      return { result, changes: [] }
    }
    const movedContacts = yield* (yield* ContactRepository).reassignLead(ctx.organizationId, sourceId, targetId)
    const movedActivities = yield* (yield* ActivityRepository).reassignLead(ctx.organizationId, sourceId, targetId)
    const leads = yield* LeadRepository
    // The source goes first so the target may take over its identity (domain) without a conflict.
    const removedWithSource = yield* leads.delete(ctx.organizationId, sourceId)
    const now = yield* currentDate
    const merged = yield* leads.update(
      new Lead({
        ...plan.merged,
        id: target.id,
        organizationId: target.organizationId,
        createdAt: target.createdAt,
        updatedAt: now,
        version: target.version + 1
      })
    )
    const { lead } = yield* rescoreStored(merged)
    yield* audit(ctx, "merge", "lead", targetId, {
      sourceId,
      movedContacts,
      movedActivities,
      // what stayed with the source and went with it (its conversations and data sources do not move)
      removedWithSource: {
        contacts: removedWithSource.contacts.length,
        activities: removedWithSource.activities,
        conversations: removedWithSource.conversations,
        dataSources: removedWithSource.dataSources
      },
      decisions: plan.decisions.map((d) => ({
        field: d.field,
        winner: d.winner === "a" ? "target" : d.winner === "b" ? "source" : "both",
        reason: d.reason
      }))
    })
    const result: MergeResult = { plan, lead, dryRun: false, movedContacts, movedActivities }
    const changes: ReadonlyArray<LeadChange> = [
      { before: target, after: lead },
      { before: source, after: null }
    ]
    return { result, changes }
  }).pipe(
    transactionally,
    Effect.tap(({ changes }) => syncLeadIndex(changes)),
    Effect.map(({ result }) => result),
    Effect.withSpan("mergeLeads")
  )
