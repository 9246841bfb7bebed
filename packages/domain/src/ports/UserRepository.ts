import type { Effect, Option } from "effect"
import { Context } from "effect"
import type { Unavailable, UniqueConflict } from "../errors.js"
import type { OrganizationId, UserId } from "../model/ids.js"
import type { User } from "../model/User.js"

export declare namespace UserRepository {
  export interface Service {
    /** Fails with UniqueConflict when the email is taken within the organization. */
    readonly insert: (user: User) => Effect.Effect<User, UniqueConflict | Unavailable>
    readonly findById: (organizationId: OrganizationId, id: UserId) => Effect.Effect<Option.Option<User>, Unavailable>
    readonly list: (organizationId: OrganizationId) => Effect.Effect<ReadonlyArray<User>, Unavailable>
  }
}

export class UserRepository extends Context.Tag("@leadforge/domain/UserRepository")<
  UserRepository,
  UserRepository.Service
>() {}
