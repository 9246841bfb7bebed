import type { UseCaseContext } from "@leadforge/domain"
import { Effect } from "effect"
import { Forbidden, problemBody } from "../contract/Problems.js"
import { CurrentPrincipal } from "../contract/Security.js"

/** The use-case context of the caller: its organization, and its key or signed-in user as the actor. */
export const useCaseContext: Effect.Effect<UseCaseContext, never, CurrentPrincipal> = Effect.map(
  CurrentPrincipal,
  (principal) => ({ organizationId: principal.organizationId, actor: principal.actor })
)

/** 403 unless the caller is an admin of its organization; `what` completes "only an admin can …". */
export const requireAdmin = (what: string) =>
  Effect.flatMap(CurrentPrincipal, (principal) =>
    principal.role === "admin"
      ? Effect.succeed(principal)
      : Effect.fail(new Forbidden(problemBody(403, { code: "forbidden", detail: `only an admin can ${what}` })))
  )
