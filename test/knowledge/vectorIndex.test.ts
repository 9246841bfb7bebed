import { describe, expect, it } from "@effect/vitest"
import { EmbedderHashing } from "@leadforge/adapters/embeddings"
import { MemoryStoreLive, makeVectorIndexMemory } from "@leadforge/adapters/memory"
import { PgliteDatabase } from "@leadforge/adapters/pglite"
import * as Runtime from "@leadforge/adapters/runtime"
import { VectorIndexPgvector, VectorIndexQdrant } from "@leadforge/adapters/vector"
import { IndexMismatch, newId, type OrganizationId, VectorIndex } from "@leadforge/domain"
import { ConfigProvider, Effect, Exit, Layer, Option, Redacted } from "effect"
import {
  pglitePersistence,
  postgresPersistence,
  resolvePostgres
} from "../../packages/adapters/test/support/databases.js"
import { dockerAvailable, spec } from "./support.js"
import { CONTRACT_DIMENSION, randomUnitVectors, vectorIndexContract } from "./vectorIndex.contract.js"

/** The little of testcontainers this file uses (it resolves from packages/adapters, not from the root). */
interface StartedContainer {
  readonly getHost: () => string
  readonly getMappedPort: (port: number) => number
  readonly stop: () => Promise<unknown>
}
interface ContainerBuilder {
  withExposedPorts(port: number): ContainerBuilder
  withWaitStrategy(wait: unknown): ContainerBuilder
  start(): Promise<StartedContainer>
}
interface Testcontainers {
  readonly GenericContainer: new (image: string) => ContainerBuilder
  readonly Wait: { readonly forHttp: (path: string, port: number) => unknown }
}

const contractSpec = spec("contract", CONTRACT_DIMENSION, "test-16")
const docker = await dockerAvailable()
const postgres = await resolvePostgres()

describe("VectorIndex contract: memory (exact)", () => {
  it.layer(makeVectorIndexMemory(contractSpec).pipe(Layer.provide(MemoryStoreLive)))("memory", vectorIndexContract)
})

describe("on one PGlite database", () => {
  it.layer(pglitePersistence(), { timeout: 120_000 })((it) => {
    it.layer(VectorIndexPgvector.layer(contractSpec), { timeout: 60_000 })(
      "VectorIndex contract: pgvector on PGlite (HNSW)",
      vectorIndexContract
    )
    it.layer(VectorIndexPgvector.layer(spec("contract_exact", CONTRACT_DIMENSION, "test-16"), { exact: true }), {
      timeout: 60_000
    })("VectorIndex contract: pgvector on PGlite (exact scan)", vectorIndexContract)

    it.effect(
      "a large bulk load drops the HNSW index, builds it once at the end and analyzes; open rebuilds a lost one",
      () =>
        Effect.gen(function* () {
          const db = yield* PgliteDatabase
          const query = <A>(text: string, params: Array<unknown> = []) =>
            Effect.promise(() => db.query<A>(text, params)).pipe(Effect.map((r) => r.rows))
          const table = "leadforge_vectors_bulk_load"
          const hnswExists = query<{ n: number }>("SELECT count(*)::int AS n FROM pg_class WHERE relname = $1", [
            `${table}_hnsw`
          ]).pipe(Effect.map((rows) => rows[0]!.n === 1))
          const bulkSpec = spec("bulk_load", CONTRACT_DIMENSION, "test-16")
          const index = yield* VectorIndexPgvector.make(bulkSpec)
          expect(yield* hnswExists).toBe(true)
          const org = newId<OrganizationId>()
          const vectors = randomUnitVectors(3_000, CONTRACT_DIMENSION, 5)
          const points = vectors.map((vector) => ({
            id: newId(),
            organizationId: org,
            vector,
            payload: { kind: "chunk" }
          }))
          const indexed: Array<boolean> = []
          yield* index.bulkLoad(
            Effect.forEach(
              [points.slice(0, 1_000), points.slice(1_000, 2_500), points.slice(2_500)],
              (batch) =>
                Effect.zipRight(
                  index.upsert(batch),
                  Effect.flatMap(hnswExists, (e) => Effect.sync(() => indexed.push(e)))
                ),
              { discard: true }
            )
          )
          // kept while the load was small, dropped before the batch that took it past 2,000 rows
          expect(indexed).toEqual([true, false, false])
          expect(yield* hnswExists).toBe(true)
          const stats = yield* query<{ n: number }>("SELECT reltuples::float8 AS n FROM pg_class WHERE relname = $1", [
            table
          ])
          expect(Number(stats[0]!.n)).toBe(3_000)
          const plan = yield* query<Record<string, string>>(
            `EXPLAIN SELECT id FROM ${table} WHERE organization_id = $1 ORDER BY embedding <=> $2::vector LIMIT 10`,
            [org, VectorIndexPgvector.vectorLiteral(vectors[0]!)]
          )
          expect(plan.map((row) => Object.values(row).join(" ")).join("\n")).toContain(`${table}_hnsw`)
          for (const i of [0, 1_500, 2_999]) {
            expect((yield* index.search(vectors[i]!, 1, { organizationId: org }))[0]!.id).toBe(points[i]!.id)
          }

          // a load that fails still leaves the index built, with what it wrote
          const more = randomUnitVectors(2_500, CONTRACT_DIMENSION, 6).map((vector) => ({
            id: newId(),
            organizationId: org,
            vector,
            payload: { kind: "lead" }
          }))
          const failure = yield* Effect.flip(
            index.bulkLoad(Effect.zipRight(index.upsert(more), Effect.fail("embedder down" as const)))
          )
          expect(failure).toBe("embedder down")
          expect(yield* hnswExists).toBe(true)
          expect((yield* index.search(more[7]!.vector, 1, { organizationId: org, kind: "lead" }))[0]!.id).toBe(
            more[7]!.id
          )

          // a process that died mid-load left no index: the next open builds it
          yield* query(`DROP INDEX ${table}_hnsw`)
          const reopened = yield* VectorIndexPgvector.make(bulkSpec)
          expect(yield* hnswExists).toBe(true)
          expect((yield* reopened.search(vectors[42]!, 1, { organizationId: org }))[0]!.id).toBe(points[42]!.id)
        })
    )

    it.effect("the runtime's vectorIndex picks pgvector without QDRANT_URL, with the embedder's spec", () =>
      Effect.gen(function* () {
        const index = yield* Effect.provide(
          VectorIndex,
          Runtime.vectorIndex.pipe(
            Layer.provide(EmbedderHashing),
            Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map())))
          )
        )
        expect(index.spec).toMatchObject({ name: "knowledge", dimension: 384, embedderId: "hashing-384" })
        const org = newId<OrganizationId>()
        const v = Array.from({ length: 384 }, (_, i) => (i === 5 ? 1 : 0))
        yield* index.upsert([{ id: newId(), organizationId: org, vector: v, payload: { kind: "chunk" } }])
        expect(yield* index.search(v, 3, { organizationId: org })).toHaveLength(1)
      })
    )

    it.effect("pgvector remembers its embedder: another one gets IndexMismatch; drop allows a rebuild", () =>
      Effect.gen(function* () {
        const org = newId<OrganizationId>()
        const first = yield* VectorIndexPgvector.make(spec("remembered", 4, "embedder-a"))
        yield* first.upsert([{ id: newId(), organizationId: org, vector: [1, 0, 0, 0], payload: { kind: "chunk" } }])
        for (const other of [spec("remembered", 4, "embedder-b"), spec("remembered", 8, "embedder-a")]) {
          const second = yield* VectorIndexPgvector.make(other)
          const error = yield* Effect.flip(second.search(Array(other.dimension).fill(0.5), 3, { organizationId: org }))
          expect(error).toBeInstanceOf(IndexMismatch)
          expect(error.message).toMatch(/embedder-a \(4 dimensions\)/)
          const up = yield* Effect.exit(
            second.upsert([
              { id: newId(), organizationId: org, vector: Array(other.dimension).fill(0.5), payload: { kind: "chunk" } }
            ])
          )
          expect(Exit.isFailure(up)).toBe(true)
        }
        yield* VectorIndexPgvector.drop("remembered")
        const rebuilt = yield* VectorIndexPgvector.make(spec("remembered", 8, "embedder-b"))
        expect(yield* rebuilt.search(Array(8).fill(0.5), 3, { organizationId: org })).toEqual([])
        const id = newId()
        yield* rebuilt.upsert([{ id, organizationId: org, vector: Array(8).fill(0.5), payload: { kind: "chunk" } }])
        expect((yield* rebuilt.search(Array(8).fill(0.5), 3, { organizationId: org })).map((h) => h.id)).toEqual([id])
      })
    )
  })
})

if (postgres.kind === "url") {
  describe("pgvector on PostgreSQL without the extension", () => {
    it.layer(postgresPersistence(postgres), { timeout: 60_000 })((it) => {
      it.effect("fails with PgvectorUnavailable saying another index is needed", () =>
        Effect.gen(function* () {
          const error = yield* Effect.flip(VectorIndexPgvector.make(contractSpec))
          expect(error._tag).toBe("PgvectorUnavailable")
          expect(error.message).toMatch(/QDRANT_URL|in-memory index/)
        })
      )
    })
  })
} else {
  describe.skip(`pgvector on PostgreSQL without the extension (skipped: ${postgres.kind === "none" ? postgres.reason : "Docker Postgres has pgvector"})`, () => {
    it("needs DATABASE_URL", () => {})
  })
}

describe("Qdrant adapter without a server", () => {
  it.live("an unreachable Qdrant is Unavailable naming it, and wrong dimensions fail before any call", () =>
    Effect.gen(function* () {
      const index = yield* VectorIndexQdrant.make(contractSpec, {
        url: "http://127.0.0.1:9",
        apiKey: Option.some(Redacted.make("qdrant-secret")),
        timeout: 2
      })
      const org = newId<OrganizationId>()
      const error = yield* Effect.flip(index.search(Array(CONTRACT_DIMENSION).fill(0.25), 3, { organizationId: org }))
      expect(error._tag).toBe("Unavailable")
      expect(error.message).toMatch(/Qdrant at http:\/\/127\.0\.0\.1:9 is unavailable/)
      expect(error.message).not.toContain("qdrant-secret")
      const mismatch = yield* Effect.flip(index.search([1, 0], 3, { organizationId: org }))
      expect(mismatch).toBeInstanceOf(IndexMismatch)
    })
  )
})

if (docker) {
  describe("VectorIndex contract: Qdrant (testcontainers)", () => {
    const qdrant = Layer.unwrapScoped(
      Effect.gen(function* () {
        const { createRequire } = yield* Effect.promise(() => import("node:module"))
        const require = createRequire(new URL("../../packages/adapters/package.json", import.meta.url))
        const { GenericContainer, Wait } = yield* Effect.promise(
          () => import(require.resolve("testcontainers")) as Promise<Testcontainers>
        )
        const container = yield* Effect.acquireRelease(
          Effect.promise(() =>
            new GenericContainer("qdrant/qdrant:v1.16.0")
              .withExposedPorts(6333)
              .withWaitStrategy(Wait.forHttp("/readyz", 6333))
              .start()
          ),
          (c) => Effect.promise(() => c.stop())
        )
        return VectorIndexQdrant.layer(contractSpec, {
          url: `http://${container.getHost()}:${container.getMappedPort(6333)}`,
          apiKey: Option.none()
        })
      })
    )
    it.layer(qdrant, { timeout: 180_000 })("Qdrant", vectorIndexContract)
  })
} else {
  describe.skip("VectorIndex contract: Qdrant (skipped: Docker not available)", () => {
    it.layer(Layer.succeed(VectorIndex, undefined as never))("Qdrant", vectorIndexContract)
  })
}
