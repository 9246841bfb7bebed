import { HttpApiBuilder } from "@effect/platform"
import { AuditLog, verifyAuditChain } from "@leadforge/domain"
import { Effect } from "effect"
import { LeadforgeApi } from "../../Api.js"
import { CurrentPrincipal } from "../../contract/Security.js"
import { mapDomainErrors } from "../domainErrors.js"

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
      Effect.gen(function* () {
        const principal = yield* CurrentPrincipal
        return verifyAuditChain(yield* (yield* AuditLog).chain(principal.organizationId))
      }).pipe(mapDomainErrors)
    )
)
