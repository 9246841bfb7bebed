import { Command } from "@effect/cli"
import * as Runtime from "@leadforge/adapters/runtime"
import {
  Embedder,
  type IndexMismatch,
  type OrganizationId,
  reindexOrganization,
  type UseCaseContext,
  VectorIndex
} from "@leadforge/domain"
import { Effect, Layer } from "effect"
import { CommandFailed, cliActor, contextFor, emit, json, org } from "./shared.js"

const describe = (error: unknown) => (error instanceof Error && error.message !== "" ? error.message : String(error))

/** Opens the index from the environment for `embedder` (a fresh build each time, after a drop). */
const openIndex = (embedder: Embedder.Service) =>
  Runtime.openVectorIndex(embedder).pipe(
    Effect.mapError((error) => new CommandFailed({ message: `cannot open the vector index: ${describe(error)}` }))
  )

/** The index's own check: a search fails with IndexMismatch when it was built by another embedder. */
const mismatchOf = (index: VectorIndex.Service, embedder: Embedder.Service, organizationId: OrganizationId) =>
  index
    .search(
      Array.from({ length: embedder.dimension }, (_, i) => (i === 0 ? 1 : 0)),
      1,
      { organizationId }
    )
    .pipe(
      Effect.as(null),
      Effect.catchTag("IndexMismatch", (e): Effect.Effect<IndexMismatch> => Effect.succeed(e))
    )

export const reindexCommand = Command.make("reindex", { json, org }, (args) =>
  Effect.gen(function* () {
    const ctx = yield* contextFor(args.org)
    const embedder = yield* Embedder
    let index = yield* openIndex(embedder)
    const mismatch = yield* mismatchOf(index, embedder, ctx.organizationId)
    let targets: ReadonlyArray<UseCaseContext> = [ctx]
    if (mismatch !== null) {
      // The pgvector table holds every organization's vectors in the old dimension: drop it and rebuild them all.
      const dropped = yield* Runtime.dropVectorIndex(index.spec.name)
      if (!dropped) {
        return yield* new CommandFailed({
          message: `${mismatch.message}; delete the Qdrant collection ${mismatch.index} (it is shared by every organization), then run reindex again`
        })
      }
      index = yield* openIndex(embedder)
      const organizations = yield* Runtime.everyOrganization
      targets = organizations.map((organizationId) => ({ organizationId, actor: cliActor }))
      yield* emit(
        args.json,
        { dropped: index.spec.name, reason: mismatch.message },
        () =>
          `dropped index ${index.spec.name} (${mismatch.expected}); rebuilding it with ${embedder.modelId} for ${targets.length} organization(s)`
      )
    } else {
      yield* index.delete({ organizationId: ctx.organizationId })
    }
    for (const target of targets) {
      const result = yield* reindexOrganization(target).pipe(Effect.provideService(VectorIndex, index))
      yield* emit(
        args.json,
        { organizationId: target.organizationId, embedder: embedder.modelId, dimension: embedder.dimension, ...result },
        () =>
          `reindexed organization ${target.organizationId}: ${result.documents} documents, ${result.chunks} chunks, ${result.leads} leads (${embedder.modelId}, ${embedder.dimension} dimensions)`
      )
    }
  }).pipe(
    Effect.scoped,
    Effect.provide(
      Runtime.embedder.pipe(
        Layer.mapError((error) => new CommandFailed({ message: `cannot open the embedder: ${describe(error)}` }))
      )
    ),
    Effect.provide(Runtime.persistence)
  )
).pipe(
  Command.withDescription(
    "Drop the organization's vectors and rebuild them (documents and leads) with the current embedder; an index built by another embedder or dimension is dropped and rebuilt for every organization"
  )
)
