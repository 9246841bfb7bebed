import { type Embedder, KnowledgeBackend, type VectorIndex } from "@leadforge/domain"
import { Effect, Option } from "effect"
import { problemBody, ServiceUnavailable } from "../contract/Problems.js"

const unavailable = (reason: string) =>
  new ServiceUnavailable(problemBody(503, { code: "vector_index_unavailable", detail: reason }))

/** Runs `effect` with the embedder and index, or fails with 503 explaining how to configure one. */
export const withIndex = <A, E, R>(
  effect: Effect.Effect<A, E, R>
): Effect.Effect<A, E | ServiceUnavailable, Exclude<R, Embedder | VectorIndex> | KnowledgeBackend> =>
  Effect.flatMap(
    KnowledgeBackend,
    (backend): Effect.Effect<A, E | ServiceUnavailable, Exclude<R, Embedder | VectorIndex>> =>
      Option.isNone(backend.services)
        ? Effect.fail(unavailable(backend.reason ?? "no vector index is configured"))
        : Effect.provide(effect, backend.services.value)
  )

/**
 * Runs a lead write with the embedder and index when the server has them, so the use case keeps the lead index in
 * step (syncLeadIndex); without them the write runs as is and lead search answers 503 anyway.
 */
export const withLeadIndex = <A, E, R>(
  effect: Effect.Effect<A, E, R>
): Effect.Effect<A, E, Exclude<R, Embedder | VectorIndex> | KnowledgeBackend> =>
  Effect.flatMap(KnowledgeBackend, (backend) =>
    Option.match(backend.services, {
      onNone: () => effect as Effect.Effect<A, E, Exclude<R, Embedder | VectorIndex>>,
      onSome: (services) => Effect.provide(effect, services)
    })
  )
