import type { Effect, Option } from "effect"
import { Context } from "effect"
import type { Unavailable, UniqueConflict } from "../errors.js"
import type { OrganizationId, UserId } from "../model/ids.js"
import type { Membership } from "../model/Membership.js"
import type { Organization } from "../model/Organization.js"
import type { Role } from "../model/Role.js"
import type { User } from "../model/User.js"

/** A member as an organization lists it. */
export interface Member {
  readonly user: User
  readonly membership: Membership
}

export declare namespace MembershipRepository {
  export interface Service {
    /** Fails with UniqueConflict when the user already belongs to the organization. */
    readonly insert: (membership: Membership) => Effect.Effect<Membership, UniqueConflict | Unavailable>
    readonly find: (
      organizationId: OrganizationId,
      userId: UserId
    ) => Effect.Effect<Option.Option<Membership>, Unavailable>
    /** The organization's members, oldest first. */
    readonly list: (organizationId: OrganizationId) => Effect.Effect<ReadonlyArray<Member>, Unavailable>
    /** Every organization the user belongs to, oldest membership first. */
    readonly organizationsOf: (
      userId: UserId
    ) => Effect.Effect<
      ReadonlyArray<{ readonly organization: Organization; readonly membership: Membership }>,
      Unavailable
    >
    /** False when the user is not a member. */
    readonly setRole: (
      organizationId: OrganizationId,
      userId: UserId,
      role: Role
    ) => Effect.Effect<boolean, Unavailable>
    /** False when the user is not a member. */
    readonly remove: (organizationId: OrganizationId, userId: UserId) => Effect.Effect<boolean, Unavailable>
    /**
     * The ids of the organization's admins, locked until the transaction ends, so that two changes cannot each
     * believe another admin remains.
     */
    readonly lockAdmins: (organizationId: OrganizationId) => Effect.Effect<ReadonlyArray<UserId>, Unavailable>
  }
}

export class MembershipRepository extends Context.Tag("@leadforge/domain/MembershipRepository")<
  MembershipRepository,
  MembershipRepository.Service
>() {}
