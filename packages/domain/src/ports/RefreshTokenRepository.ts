import type { Effect, Option } from "effect"
import { Context } from "effect"
import type { Unavailable } from "../errors.js"
import type { RefreshToken } from "../model/RefreshToken.js"

export declare namespace RefreshTokenRepository {
  export interface Service {
    readonly insert: (token: RefreshToken) => Effect.Effect<RefreshToken, Unavailable>
    /** Used tokens are returned too: a second use is how a stolen token is detected. */
    readonly findByHash: (tokenHash: string) => Effect.Effect<Option.Option<RefreshToken>, Unavailable>
    /** Marks an unused token used; false when it was used already (of two concurrent uses, one wins). */
    readonly markUsed: (tokenHash: string, at: Date) => Effect.Effect<boolean, Unavailable>
  }
}

export class RefreshTokenRepository extends Context.Tag("@leadforge/domain/RefreshTokenRepository")<
  RefreshTokenRepository,
  RefreshTokenRepository.Service
>() {}
