import { Command } from "@effect/cli"
import * as SqlClient from "@effect/sql/SqlClient"
import { EmbedderFromEnv } from "@leadforge/adapters/embeddings"
import { VectorIndexFromEnv, VectorIndexPgvector } from "@leadforge/adapters/vector"
import {
  Embedder,
  type IndexMismatch,
  type OrganizationId,
  reindexOrganization,
  type UseCaseContext,
  VectorIndex
} from "@leadforge/domain"
import { Config, Context, Effect, Layer, Option } from "effect"
import { withDatabase } from "../Database.js"
import { CommandFailed, cliActor, contextFor, emit, json, org } from "./shared.js"

const describe = (error: unknown) => (error instanceof Error && error.message !== "" ? error.message : String(error))

/** Opens the index from the environment for `embedder` (a fresh build each time, after a drop). */
const openIndex = (embedder: Embedder.Service) =>
  Layer.build(VectorIndexFromEnv.pipe(Layer.provide(Layer.succeed(Embedder, embedder)))).pipe(
    Effect.map((context) => Context.get(context, VectorIndex)),
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
      const qdrant = yield* Config.option(Config.string("QDRANT_URL")).pipe(Effect.orElseSucceed(() => Option.none()))
      if (Option.isSome(qdrant)) {
        return yield* new CommandFailed({
          message: `${mismatch.message}; delete the Qdrant collection ${mismatch.index} (it is shared by every organization), then run reindex again`
        })
      }
      // The table holds every organization's vectors in the old dimension: drop it and rebuild them all.
      yield* VectorIndexPgvector.drop(index.spec.name)
      index = yield* openIndex(embedder)
      const sql = yield* SqlClient.SqlClient
      const rows = yield* sql<{ readonly id: string }>`SELECT id FROM organizations ORDER BY created_at, id`
      targets = rows.map((r) => ({ organizationId: r.id as OrganizationId, actor: cliActor }))
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
      EmbedderFromEnv.pipe(
        Layer.mapError((error) => new CommandFailed({ message: `cannot open the embedder: ${describe(error)}` }))
      )
    ),
    withDatabase
  )
).pipe(
  Command.withDescription(
    "Drop the organization's vectors and rebuild them (documents and leads) with the current embedder; an index built by another embedder or dimension is dropped and rebuilt for every organization"
  )
)
