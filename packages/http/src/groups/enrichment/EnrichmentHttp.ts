import { HttpApiBuilder } from "@effect/platform"
import { enrichLead } from "@leadforge/domain"
import { Effect } from "effect"
import { LeadforgeApi } from "../../Api.js"
import { useCaseContext } from "../caller.js"
import { mapDomainErrors } from "../domainErrors.js"
import { withLeadIndex } from "../knowledgeBackend.js"
import { mapModelErrors, requireModel } from "../languageModel.js"

export const EnrichmentHttp = HttpApiBuilder.group(LeadforgeApi, "enrichment", (handlers) =>
  handlers.handle("enrich", ({ path }) =>
    Effect.gen(function* () {
      yield* requireModel
      const result = yield* withLeadIndex(enrichLead(yield* useCaseContext, path.id))
      return {
        lead: result.lead,
        claims: result.claims,
        lowConfidence: result.claims.filter((claim) => claim.lowConfidence).map((claim) => claim.field),
        aiAdoptionReasons: result.aiAdoptionReasons,
        evidence: result.evidence,
        sourceId: result.sourceId,
        usage: result.usage
      }
    }).pipe(mapModelErrors, mapDomainErrors)
  )
)
