import { HttpApiBuilder } from "@effect/platform"
import {
  type AuditChainBroken,
  type AuditCheckpointNotConfigured,
  AuditLog,
  type InvalidAuditCheckpoint,
  issueAuditCheckpoint,
  verifyAuditTrail,
  verifyAuditTrailAgainst
} from "@leadforge/domain"
import { Effect } from "effect"
import { LeadforgeApi } from "../../Api.js"
import { Conflict, problemBody, ServiceUnavailable, Unprocessable } from "../../contract/Problems.js"
import { CurrentPrincipal } from "../../contract/Security.js"
import { mapDomainErrors } from "../domainErrors.js"

type CheckpointError = AuditCheckpointNotConfigured | AuditChainBroken | InvalidAuditCheckpoint

const checkpointProblem = (error: CheckpointError) => {
  switch (error._tag) {
    case "AuditCheckpointNotConfigured":
      return new ServiceUnavailable(
        problemBody(503, { code: error.code, detail: `${error.message}; the rest of the audit API works without one` })
      )
    case "AuditChainBroken":
      return new Conflict(problemBody(409, { code: error.code, detail: error.message }))
    case "InvalidAuditCheckpoint":
      return new Unprocessable(problemBody(422, { code: error.code, detail: error.message }))
  }
}

const checkpointTags = new Set<string>(["AuditCheckpointNotConfigured", "AuditChainBroken", "InvalidAuditCheckpoint"])

/** The checkpoint use cases' own errors as problems; the shared domain errors pass on to mapDomainErrors. */
const mapCheckpointErrors = <A, E extends { readonly _tag: string }, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.mapError(effect, (error) =>
    checkpointTags.has(error._tag)
      ? checkpointProblem(error as unknown as CheckpointError)
      : (error as Exclude<E, CheckpointError>)
  )

export const AuditHttp = HttpApiBuilder.group(LeadforgeApi, "audit", (handlers) =>
  handlers
    .handle("list", ({ urlParams }) =>
      Effect.gen(function* () {
        const principal = yield* CurrentPrincipal
        const page = yield* (yield* AuditLog).list(principal.organizationId, urlParams)
        return { items: page.items, nextCursor: page.nextCursor }
      }).pipe(mapDomainErrors)
    )
    .handle("verify", () =>
      Effect.flatMap(CurrentPrincipal, (principal) => verifyAuditTrail(principal.organizationId)).pipe(mapDomainErrors)
    )
    .handle("verifyCheckpoint", ({ payload }) =>
      Effect.flatMap(CurrentPrincipal, (principal) => verifyAuditTrailAgainst(principal.organizationId, payload)).pipe(
        mapCheckpointErrors,
        mapDomainErrors
      )
    )
    .handle("checkpoint", () =>
      Effect.flatMap(CurrentPrincipal, (principal) => issueAuditCheckpoint(principal.organizationId)).pipe(
        mapCheckpointErrors,
        mapDomainErrors
      )
    )
)
