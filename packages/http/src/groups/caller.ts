import { Actor, type UseCaseContext } from "@leadforge/domain"
import { Effect } from "effect"
import { CurrentPrincipal } from "../contract/Security.js"

/** The use-case context of the calling key: its organization, and the key as the actor. */
export const useCaseContext: Effect.Effect<UseCaseContext, never, CurrentPrincipal> = Effect.map(
  CurrentPrincipal,
  (principal) => ({
    organizationId: principal.organizationId,
    // the principal was resolved from a stored key: no need to validate it again on every request
    actor: new Actor({ type: "api_key", id: principal.keyId }, true)
  })
)
