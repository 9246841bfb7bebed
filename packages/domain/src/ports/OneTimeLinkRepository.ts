import type { Effect, Option } from "effect"
import { Context } from "effect"
import type { Unavailable } from "../errors.js"
import type { OneTimeLinkId } from "../model/ids.js"
import type { OneTimeLink } from "../model/OneTimeLink.js"

export declare namespace OneTimeLinkRepository {
  export interface Service {
    readonly insert: (link: OneTimeLink) => Effect.Effect<OneTimeLink, Unavailable>
    /** Used and expired links are returned too, so the caller can say which. */
    readonly findByTokenHash: (tokenHash: string) => Effect.Effect<Option.Option<OneTimeLink>, Unavailable>
    /** Marks an unused link used; false when it was used already (two concurrent uses: one wins). */
    readonly markUsed: (id: OneTimeLinkId, at: Date) => Effect.Effect<boolean, Unavailable>
  }
}

export class OneTimeLinkRepository extends Context.Tag("@leadforge/domain/OneTimeLinkRepository")<
  OneTimeLinkRepository,
  OneTimeLinkRepository.Service
>() {}
