import type { Effect } from "effect"
import { Context } from "effect"
import type { Unavailable } from "../errors.js"

export declare namespace Embedder {
  export interface Service {
    /** Identifies model and settings; an index records it. */
    readonly modelId: string
    readonly dimension: number
    /** One L2-normalized vector per text, in order. */
    readonly embed: (texts: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<ReadonlyArray<number>>, Unavailable>
  }
}

export class Embedder extends Context.Tag("@leadforge/domain/Embedder")<Embedder, Embedder.Service>() {}
