import type { Effect, Option } from "effect"
import { Context } from "effect"
import type { Unavailable } from "../errors.js"
import type { OrganizationId, SessionId, UserId } from "../model/ids.js"
import type { Role } from "../model/Role.js"
import type { Session, SessionEndReason } from "../model/Session.js"

/** A session and the role its user holds now in the session's organization (null: no longer a member). */
export interface ResolvedSession {
  readonly session: Session
  readonly role: Role | null
}

export declare namespace SessionRepository {
  export interface Service {
    readonly insert: (session: Session) => Effect.Effect<Session, Unavailable>
    /**
     * Not scoped by organization, like API keys: authentication starts from the token's hash. Revoked and expired
     * sessions are returned too, so that the caller can say which.
     */
    readonly findByTokenHash: (tokenHash: string) => Effect.Effect<Option.Option<ResolvedSession>, Unavailable>
    readonly findById: (id: SessionId) => Effect.Effect<Option.Option<ResolvedSession>, Unavailable>
    readonly touch: (id: SessionId, at: Date) => Effect.Effect<void, Unavailable>
    /** False when the session was already revoked (or is gone). */
    readonly revoke: (id: SessionId, at: Date, reason: SessionEndReason) => Effect.Effect<boolean, Unavailable>
    /** Revokes the user's active sessions (in one organization, when given), but `except`; returns how many. */
    readonly revokeForUser: (
      userId: UserId,
      at: Date,
      reason: SessionEndReason,
      options?: { readonly organizationId?: OrganizationId; readonly except?: SessionId }
    ) => Effect.Effect<number, Unavailable>
  }
}

export class SessionRepository extends Context.Tag("@leadforge/domain/SessionRepository")<
  SessionRepository,
  SessionRepository.Service
>() {}
