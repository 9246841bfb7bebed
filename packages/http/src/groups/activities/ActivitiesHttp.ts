import { HttpApiBuilder } from "@effect/platform"
import { listLeadActivities, recordActivity } from "@leadforge/domain"
import { Effect } from "effect"
import { LeadforgeApi } from "../../Api.js"
import { useCaseContext } from "../caller.js"
import { mapDomainErrors } from "../domainErrors.js"

export const ActivitiesHttp = HttpApiBuilder.group(LeadforgeApi, "activities", (handlers) =>
  handlers
    .handle("create", ({ path, payload }) =>
      Effect.gen(function* () {
        const { activity } = yield* recordActivity(yield* useCaseContext, path.leadId, {
          kind: payload.kind,
          occurredAt: payload.occurredAt,
          summary: payload.summary ?? null,
          contactId: payload.contactId ?? null
        })
        return activity
      }).pipe(mapDomainErrors)
    )
    .handle("list", ({ path }) =>
      Effect.gen(function* () {
        return { items: yield* listLeadActivities(yield* useCaseContext, path.leadId) }
      }).pipe(mapDomainErrors)
    )
)
