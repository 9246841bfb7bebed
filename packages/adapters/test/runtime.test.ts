import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import * as Runtime from "@leadforge/adapters/runtime"
import { KnowledgeBackend, LanguageModel, OrganizationRepository, SystemProbe } from "@leadforge/domain"
import { ConfigProvider, Effect, Layer, Option, Redacted } from "effect"

const withEnv = (env: Record<string, string>) =>
  Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))

const backendsFor = (env: Record<string, string>) =>
  Runtime.readSettings.pipe(Effect.map(Runtime.backendsOf), withEnv(env))

describe("runtime: backends chosen from the environment", () => {
  it.effect("nothing set: PGlite in ./.leadforge, pgvector, hashing embedder, no model, memory stores", () =>
    Effect.gen(function* () {
      expect(yield* backendsFor({})).toEqual({
        database: "pglite",
        vectors: "pgvector",
        embedder: "hashing",
        llm: "none",
        stores: "memory"
      })
      const settings = yield* Runtime.readSettings.pipe(withEnv({}))
      expect(settings.database).toEqual({
        _tag: "Pglite",
        options: { dataDir: "./.leadforge", sharedBuffers: undefined }
      })
      expect(settings.rateLimit).toEqual({ capacity: 100, refillPerSecond: 20 })
      expect(settings.environment).toBe("development")
      expect(settings.redisKeyPrefix).toBe("leadforge:")
    })
  )

  it.effect("every integration set: PostgreSQL, Qdrant, the OpenAI-compatible embedder, Groq, Redis", () =>
    Effect.gen(function* () {
      const env = {
        DATABASE_URL: "postgres://u:secret@db/x",
        QDRANT_URL: "http://qdrant:6333",
        EMBEDDINGS_URL: "http://embed/v1",
        GROQ_API_KEY: "gsk_x",
        REDIS_URL: "redis://cache:6379",
        REDIS_KEY_PREFIX: "tenant-a:",
        RATE_LIMIT_BURST: "4",
        RATE_LIMIT_PER_SECOND: "0.5",
        ENVIRONMENT: "production"
      }
      expect(yield* backendsFor(env)).toEqual({
        database: "postgres",
        vectors: "qdrant",
        embedder: "openai-compatible",
        llm: "groq",
        stores: "redis"
      })
      const settings = yield* Runtime.readSettings.pipe(withEnv(env))
      expect(settings.database._tag === "Postgres" && Redacted.value(settings.database.url)).toBe(
        "postgres://u:secret@db/x"
      )
      expect(settings.vectors).toEqual({ _tag: "Qdrant", url: "http://qdrant:6333" })
      expect(settings.redisKeyPrefix).toBe("tenant-a:")
      expect(settings.rateLimit).toEqual({ capacity: 4, refillPerSecond: 0.5 })
      expect(settings.environment).toBe("production")
      // secrets stay redacted in anything printed
      expect(String(settings.database._tag === "Postgres" && settings.database.url)).not.toContain("secret")
      expect(Runtime.describeDatabase(settings)).toBe("PostgreSQL (DATABASE_URL)")
    })
  )

  it.effect("empty means unset, for every optional setting", () =>
    Effect.gen(function* () {
      const empty = {
        DATABASE_URL: "",
        LEADFORGE_DATA_DIR: "",
        LEADFORGE_PGLITE_SHARED_BUFFERS: "",
        QDRANT_URL: "",
        EMBEDDINGS_URL: "",
        GROQ_API_KEY: "",
        REDIS_URL: "",
        REDIS_KEY_PREFIX: "",
        RATE_LIMIT_BURST: "",
        RATE_LIMIT_PER_SECOND: "",
        ENVIRONMENT: "",
        BODY_LIMIT_BYTES: "",
        CORS_ORIGINS: "",
        API_KEY_CACHE_SECONDS: ""
      }
      expect(yield* Runtime.readSettings.pipe(withEnv(empty))).toEqual(yield* Runtime.readSettings.pipe(withEnv({})))
      // blank (spaces) is empty too for the choices
      expect(yield* backendsFor({ DATABASE_URL: "  ", GROQ_API_KEY: " ", QDRANT_URL: " " })).toMatchObject({
        database: "pglite",
        llm: "none",
        vectors: "pgvector"
      })
    })
  )

  it.effect("the HTTP edge settings: defaults, a list of origins, 0 turns the key cache off", () =>
    Effect.gen(function* () {
      expect((yield* Runtime.readSettings.pipe(withEnv({}))).http).toEqual({
        bodyLimitBytes: 1024 * 1024,
        corsOrigins: [],
        apiKeyCacheSeconds: 5,
        authFailures: { capacity: 10, refillPerSecond: 1 },
        auth: {
          session: { idleMs: 12 * 3_600_000, absoluteMs: 7 * 86_400_000 },
          signIn: {
            lockAfter: 5,
            lockMs: 15 * 60_000,
            perAccount: { capacity: 10, refillPerSecond: 1 / 60 },
            perAddress: { capacity: 30, refillPerSecond: 0.5 }
          }
        }
      })
      const set = yield* Runtime.readSettings.pipe(
        withEnv({
          BODY_LIMIT_BYTES: "2048",
          CORS_ORIGINS: "https://a.example, https://b.example,",
          API_KEY_CACHE_SECONDS: "0"
        })
      )
      expect(set.http).toMatchObject({
        bodyLimitBytes: 2048,
        corsOrigins: ["https://a.example", "https://b.example"],
        apiKeyCacheSeconds: 0
      })
      const people = yield* Runtime.readSettings.pipe(
        withEnv({
          SESSION_IDLE_HOURS: "0.5",
          SESSION_LIFETIME_DAYS: "1",
          SIGN_IN_LOCK_AFTER: "3",
          SIGN_IN_ADDRESS_PER_MINUTE: "6"
        })
      )
      expect(people.http.auth.session).toEqual({ idleMs: 1_800_000, absoluteMs: 86_400_000 })
      expect(people.http.auth.signIn).toMatchObject({
        lockAfter: 3,
        perAddress: { capacity: 30, refillPerSecond: 0.1 }
      })
      for (const [name, value] of [
        ["BODY_LIMIT_BYTES", "0"],
        ["BODY_LIMIT_BYTES", "1.5"],
        ["API_KEY_CACHE_SECONDS", "-1"],
        ["SESSION_IDLE_HOURS", "0"],
        ["SIGN_IN_LOCK_AFTER", "2.5"]
      ] as const) {
        const error = yield* Effect.flip(Runtime.readSettings.pipe(withEnv({ [name]: value })))
        expect(String(error)).toContain(name)
      }
    })
  )

  it.effect("a malformed number is a configuration error naming the variable", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(Runtime.readSettings.pipe(withEnv({ RATE_LIMIT_BURST: "lots" })))
      expect(String(error)).toContain("RATE_LIMIT_BURST")
    })
  )

  it.effect("without GROQ_API_KEY the language model reports not_configured", () =>
    Effect.gen(function* () {
      const model = yield* Effect.provide(LanguageModel, Runtime.languageModel)
      expect((yield* model.health).status).toBe("not_configured")
    }).pipe(withEnv({ GROQ_API_KEY: "" }))
  )
})

describe("runtime: the embedded database with DATABASE_URL empty", () => {
  it.live(
    "persistence, knowledge and the probe open on PGlite in LEADFORGE_DATA_DIR",
    () =>
      Effect.gen(function* () {
        const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "leadforge-runtime-"))
        try {
          const env = { DATABASE_URL: "", LEADFORGE_DATA_DIR: dataDir, QDRANT_URL: "" }
          const layer = Runtime.systemProbe.pipe(
            Layer.provideMerge(Runtime.knowledge),
            Layer.provideMerge(Runtime.persistence)
          )
          const result = yield* Effect.gen(function* () {
            const probe = yield* SystemProbe
            const knowledge = yield* KnowledgeBackend
            return {
              backends: probe.backends,
              database: yield* probe.database,
              vectorStore: yield* probe.vectorStore,
              migrationLevel: yield* probe.migrationLevel,
              organizations: yield* (yield* OrganizationRepository).count,
              knowledge: { kind: knowledge.kind, open: Option.isSome(knowledge.services), reason: knowledge.reason }
            }
          }).pipe(Effect.provide(layer), withEnv(env))
          expect(result).toMatchObject({
            backends: { database: "pglite", vectors: "pgvector" },
            database: "connected",
            vectorStore: null,
            organizations: 0,
            knowledge: { kind: "pgvector", open: true, reason: null }
          })
          expect(result.migrationLevel).toBeGreaterThan(0)
          expect(fs.existsSync(path.join(dataDir, "PG_VERSION"))).toBe(true)
          const status = yield* Runtime.migrationStatus.pipe(withEnv(env))
          expect(Math.max(...status.map((migration) => migration.id))).toBe(result.migrationLevel)
          expect(status.every((migration) => migration.appliedAt !== null)).toBe(true)
        } finally {
          fs.rmSync(dataDir, { recursive: true, force: true })
        }
      }),
    120_000
  )
})
