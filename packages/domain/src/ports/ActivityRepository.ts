import type { Effect } from "effect"
import { Context } from "effect"
import type { Unavailable } from "../errors.js"
import type { Activity } from "../model/Activity.js"
import type { LeadId, OrganizationId } from "../model/ids.js"

export declare namespace ActivityRepository {
  export interface Service {
    readonly insert: (activity: Activity) => Effect.Effect<Activity, Unavailable>
    /** Newest first. */
    readonly listByLead: (
      organizationId: OrganizationId,
      leadId: LeadId
    ) => Effect.Effect<ReadonlyArray<Activity>, Unavailable>
    /** How many activities the organization has, on any lead. */
    readonly countByOrganization: (organizationId: OrganizationId) => Effect.Effect<number, Unavailable>
    readonly reassignLead: (
      organizationId: OrganizationId,
      from: LeadId,
      to: LeadId
    ) => Effect.Effect<number, Unavailable>
  }
}

export class ActivityRepository extends Context.Tag("@leadforge/domain/ActivityRepository")<
  ActivityRepository,
  ActivityRepository.Service
>() {}
