import type { Effect, Option } from "effect"
import { Context } from "effect"
import type { DuplicateLead, LeadNotFound, Unavailable, ValidationFailed, VersionConflict } from "../errors.js"
import type { ContactId, LeadId, OrganizationId } from "../model/ids.js"
import type { FundingStage, Lead } from "../model/Lead.js"
import type { LeadStatus } from "../model/LeadStatus.js"
import type { Page } from "./Page.js"

export interface LeadQuery {
  readonly status?: ReadonlyArray<LeadStatus>
  readonly industry?: string
  readonly country?: string
  readonly fundingStage?: FundingStage
  readonly minScore?: number
  readonly maxScore?: number
  readonly tag?: string
  /** Free text matched against company name and domain. */
  readonly q?: string
  readonly createdAfter?: Date
  readonly createdBefore?: Date
  readonly sort?: "score" | "created"
  readonly limit?: number
  readonly cursor?: string
}

/**
 * What deleting a lead removed with it: its contacts (named, so each can be audited), and how many activities,
 * conversations and data sources went; knowledge documents and research tasks linked to it stay, unlinked.
 */
export interface LeadRemoval {
  readonly contacts: ReadonlyArray<{ readonly id: ContactId; readonly email: string | null }>
  readonly activities: number
  readonly conversations: number
  readonly dataSources: number
  readonly knowledgeDocsUnlinked: number
  readonly researchTasksUnlinked: number
}

export declare namespace LeadRepository {
  export interface Service {
    /** Fails with DuplicateLead naming the existing lead when the identity (domain or name) is taken. */
    readonly insert: (lead: Lead) => Effect.Effect<Lead, DuplicateLead | Unavailable>
    /** Writes `lead` if the stored version is `lead.version - 1`. */
    readonly update: (lead: Lead) => Effect.Effect<Lead, DuplicateLead | VersionConflict | LeadNotFound | Unavailable>
    readonly findById: (organizationId: OrganizationId, id: LeadId) => Effect.Effect<Option.Option<Lead>, Unavailable>
    readonly findByIds: (
      organizationId: OrganizationId,
      ids: ReadonlyArray<LeadId>
    ) => Effect.Effect<ReadonlyArray<Lead>, Unavailable>
    /** Looks a lead up by its identity key (see leadIdentity). */
    readonly findByIdentity: (
      organizationId: OrganizationId,
      identityKey: string
    ) => Effect.Effect<Option.Option<Lead>, Unavailable>
    /** Fails with ValidationFailed (field `cursor`) when the cursor is not one this list handed out. */
    readonly list: (
      organizationId: OrganizationId,
      query: LeadQuery
    ) => Effect.Effect<Page<Lead>, ValidationFailed | Unavailable>
    /** Deletes the lead with everything that belongs to it (LeadRemoval), in the caller's transaction. */
    readonly delete: (
      organizationId: OrganizationId,
      id: LeadId
    ) => Effect.Effect<LeadRemoval, LeadNotFound | Unavailable>
  }
}

export class LeadRepository extends Context.Tag("@leadforge/domain/LeadRepository")<
  LeadRepository,
  LeadRepository.Service
>() {}
