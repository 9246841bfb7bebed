import type { Effect, Option, Redacted } from "effect"
import { Context } from "effect"
import type { OrganizationId, SessionId, UserId } from "../model/ids.js"
import type { Role } from "../model/Role.js"

/** What an access token says: who, where, with which role, under which session, until when. */
export interface AccessClaims {
  readonly userId: UserId
  readonly organizationId: OrganizationId
  readonly role: Role
  readonly sessionId: SessionId
  readonly expiresAt: Date
}

export declare namespace AccessTokens {
  export interface Service {
    /** A signed token for the claims, valid for the service's lifetime from now. */
    readonly issue: (
      claims: Omit<AccessClaims, "expiresAt">
    ) => Effect.Effect<{ readonly token: Redacted.Redacted<string>; readonly expiresAt: Date }>
    /**
     * The claims of a token this service signed and that has not expired; None for anything else (malformed,
     * wrongly signed, another algorithm or `none`, expired), without saying which.
     */
    readonly verify: (token: string) => Effect.Effect<Option.Option<AccessClaims>>
  }
}

/** Short-lived signed access tokens for API clients, checked without a database round trip. */
export class AccessTokens extends Context.Tag("@leadforge/domain/AccessTokens")<AccessTokens, AccessTokens.Service>() {}
