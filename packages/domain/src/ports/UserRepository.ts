import type { Effect, Option } from "effect"
import { Context } from "effect"
import type { Unavailable, UniqueConflict } from "../errors.js"
import type { UserId } from "../model/ids.js"
import type { User } from "../model/User.js"

export declare namespace UserRepository {
  export interface Service {
    /** Fails with UniqueConflict when the email is taken (compared case-insensitively). */
    readonly insert: (user: User) => Effect.Effect<User, UniqueConflict | Unavailable>
    /** Users are not tenant data: a user may belong to several organizations (see MembershipRepository). */
    readonly findById: (id: UserId) => Effect.Effect<Option.Option<User>, Unavailable>
    /** The user with this email, compared case-insensitively. */
    readonly findByEmail: (email: string) => Effect.Effect<Option.Option<User>, Unavailable>
    /** Writes name, password hash, failed sign-ins, lock and updatedAt; false when the user is gone. */
    readonly update: (user: User) => Effect.Effect<boolean, Unavailable>
  }
}

export class UserRepository extends Context.Tag("@leadforge/domain/UserRepository")<
  UserRepository,
  UserRepository.Service
>() {}
