import type { Effect } from "effect"
import { Context } from "effect"
import type { Unavailable, ValidationFailed } from "../errors.js"
import type { AuditEntityType, AuditEvent, AuditEventDraft } from "../model/AuditEvent.js"
import type { OrganizationId } from "../model/ids.js"
import type { Page } from "./Page.js"

export interface AuditQuery {
  readonly entityType?: AuditEntityType
  readonly entityId?: string
  readonly from?: Date
  readonly to?: Date
  readonly limit?: number
  readonly cursor?: string
}

export declare namespace AuditLog {
  export interface Service {
    /**
     * Appends a draft to its organization's chain (chainAuditEvent on the current head), serialized per
     * organization so two writers never fork the chain.
     */
    readonly append: (draft: AuditEventDraft) => Effect.Effect<AuditEvent, Unavailable>
    /** Oldest first within the filter; an unknown cursor is ValidationFailed (field `cursor`). */
    readonly list: (
      organizationId: OrganizationId,
      query: AuditQuery
    ) => Effect.Effect<Page<AuditEvent>, ValidationFailed | Unavailable>
    /** The whole chain of an organization, oldest first, for verification. */
    readonly chain: (organizationId: OrganizationId) => Effect.Effect<ReadonlyArray<AuditEvent>, Unavailable>
  }
}

export class AuditLog extends Context.Tag("@leadforge/domain/AuditLog")<AuditLog, AuditLog.Service>() {}
