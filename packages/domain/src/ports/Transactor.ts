import type { Effect } from "effect"
import { Context } from "effect"
import type { Unavailable } from "../errors.js"

export declare namespace Transactor {
  export interface Service {
    /** Runs `effect` so that all its repository writes commit together or not at all. */
    readonly withTransaction: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E | Unavailable, R>
  }
}

export class Transactor extends Context.Tag("@leadforge/domain/Transactor")<Transactor, Transactor.Service>() {}
