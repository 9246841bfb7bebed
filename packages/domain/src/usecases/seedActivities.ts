import { Effect, Option } from "effect"
import type { LeadId } from "../model/ids.js"
import { ActivityRepository } from "../ports/ActivityRepository.js"
import { LeadRepository } from "../ports/LeadRepository.js"
import { leadIdentity } from "../rules/dedupe.js"
import { type ActivityInput, recordActivity } from "./recordActivity.js"
import type { UseCaseContext } from "./UseCaseContext.js"

/** An activity on the lead whose company has `domain`. */
export interface DomainActivity extends ActivityInput {
  readonly domain: string
}

/**
 * Records each activity on the lead with its domain (skipping domains with no lead), but only while the
 * organization has no activities yet, so that seeding twice changes nothing. Returns how many were recorded.
 */
export const recordFirstActivities = (ctx: UseCaseContext, activities: ReadonlyArray<DomainActivity>) =>
  Effect.gen(function* () {
    if ((yield* (yield* ActivityRepository).countByOrganization(ctx.organizationId)) > 0) return 0
    const leads = yield* LeadRepository
    const ids = new Map<string, LeadId | null>()
    const leadOf = (domain: string) =>
      Effect.gen(function* () {
        const known = ids.get(domain)
        if (known !== undefined) return known
        const identity = leadIdentity({ companyName: "", domain })
        const found =
          identity?.kind === "domain"
            ? Option.getOrNull(
                Option.map(yield* leads.findByIdentity(ctx.organizationId, identity.key), (lead) => lead.id)
              )
            : null
        ids.set(domain, found)
        return found
      })
    let recorded = 0
    for (const { domain, ...input } of activities) {
      const leadId = yield* leadOf(domain)
      if (leadId === null) continue
      yield* recordActivity(ctx, leadId, input)
      recorded++
    }
    return recorded
  }).pipe(Effect.withSpan("recordFirstActivities"))
