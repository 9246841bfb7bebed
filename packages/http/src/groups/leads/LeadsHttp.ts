import { HttpApiBuilder, HttpServerResponse } from "@effect/platform"
import {
  changeLeadStatus,
  createLead,
  deleteLead,
  Lead,
  LeadNotFound,
  LeadRepository,
  mergeLeads,
  rescoreLead,
  updateLead
} from "@leadforge/domain"
import { Effect, Option } from "effect"
import { LeadforgeApi } from "../../Api.js"
import { CurrentPrincipal } from "../../contract/Security.js"
import { useCaseContext } from "../caller.js"
import { mapDomainErrors } from "../domainErrors.js"
import { withLeadIndex } from "../knowledgeBackend.js"
import { expectedVersion, withEtag } from "../versioning.js"
import { MergeDecision, MergeResult, Rescored, ScoreExplanation, ScoreFactor } from "./LeadsApi.js"

const tagged = (lead: Lead) => Effect.as(withEtag(lead.version), lead)

/**
 * The hot reads answer with the JSON of the value itself rather than through the endpoint's success schema:
 * a Lead's encoded form is exactly its JSON (dates become ISO strings, nested classes plain objects — a test
 * holds the two equal for every field shape), and encoding a page of 50 leads through the schema per request
 * cost as much as reading them from the database.
 */
const leadResponse = (lead: Lead) => HttpServerResponse.unsafeJson(lead, { headers: { etag: `"${lead.version}"` } })

export const LeadsHttp = HttpApiBuilder.group(LeadforgeApi, "leads", (handlers) =>
  Effect.map(LeadRepository, (leads) =>
    handlers
      .handle("create", ({ payload }) =>
        useCaseContext.pipe(
          Effect.flatMap((ctx) => withLeadIndex(createLead(ctx, payload))),
          Effect.flatMap(tagged),
          mapDomainErrors
        )
      )
      // the hottest read needs only the caller's organization (no use-case context, no actor)
      .handle("get", ({ path }) =>
        Effect.flatMap(CurrentPrincipal, (principal) => leads.findById(principal.organizationId, path.id)).pipe(
          Effect.flatMap(
            Option.match({
              onNone: () => Effect.fail(new LeadNotFound({ leadId: path.id })),
              onSome: (lead) => Effect.succeed(leadResponse(lead))
            })
          ),
          mapDomainErrors
        )
      )
      .handle("list", ({ urlParams }) =>
        Effect.gen(function* () {
          const ctx = yield* useCaseContext
          const page = yield* leads.list(ctx.organizationId, urlParams)
          return HttpServerResponse.unsafeJson({ items: page.items, nextCursor: page.nextCursor })
        }).pipe(mapDomainErrors)
      )
      .handle("update", ({ path, headers, payload }) =>
        Effect.gen(function* () {
          const ctx = yield* useCaseContext
          const { version, ...patch } = payload
          const expected = yield* expectedVersion(headers["if-match"], version, true)
          const lead = yield* withLeadIndex(updateLead(ctx, path.id, patch, expected!))
          return yield* tagged(lead)
        }).pipe(mapDomainErrors)
      )
      .handle("delete", ({ path }) =>
        useCaseContext.pipe(
          Effect.flatMap((ctx) => withLeadIndex(deleteLead(ctx, path.id))),
          mapDomainErrors
        )
      )
      .handle("changeStatus", ({ path, payload }) =>
        Effect.gen(function* () {
          const ctx = yield* useCaseContext
          const options = {
            ...(payload.reopen === undefined ? {} : { reopen: payload.reopen }),
            ...(payload.version === undefined ? {} : { expectedVersion: payload.version })
          }
          return yield* tagged(yield* changeLeadStatus(ctx, path.id, payload.status, options))
        }).pipe(mapDomainErrors)
      )
      .handle("rescore", ({ path }) =>
        Effect.gen(function* () {
          const ctx = yield* useCaseContext
          const { lead, score } = yield* rescoreLead(ctx, path.id)
          return new Rescored({
            lead,
            score: new ScoreExplanation({
              score: score.score,
              grade: score.grade,
              modelVersion: score.modelVersion,
              factors: score.factors.map((f) => new ScoreFactor(f))
            })
          })
        }).pipe(mapDomainErrors)
      )
      .handle("merge", ({ path, payload }) =>
        Effect.gen(function* () {
          const ctx = yield* useCaseContext
          const result = yield* withLeadIndex(
            mergeLeads(ctx, path.id, payload.sourceId, { dryRun: payload.dryRun === true })
          )
          const lead = result.dryRun
            ? new Lead({
                ...result.plan.merged,
                id: result.lead.id,
                organizationId: result.lead.organizationId,
                createdAt: result.lead.createdAt,
                version: result.lead.version
              })
            : result.lead
          return new MergeResult({
            dryRun: result.dryRun,
            lead,
            decisions: result.plan.decisions.map(
              (d) =>
                new MergeDecision({
                  field: d.field,
                  winner: d.winner === "a" ? "target" : d.winner === "b" ? "source" : "both",
                  value: d.value,
                  reason: d.reason
                })
            ),
            movedContacts: result.movedContacts,
            movedActivities: result.movedActivities
          })
        }).pipe(mapDomainErrors)
      )
  )
)
