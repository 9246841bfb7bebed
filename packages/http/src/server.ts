import { createServer } from "node:http"
import { HttpApiBuilder, HttpApiError, HttpApiScalar, type HttpApp, HttpMiddleware, HttpServer } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { LanguageModelGroq } from "@leadforge/adapters/groq"
import { Persistence } from "@leadforge/adapters/pglite"
import { researchWorkerLayer, type WorkerOptions } from "@leadforge/adapters/worker"
import { bootstrapFirstOrganization, fieldIssueOf, LanguageModel } from "@leadforge/domain"
import { Config, ConfigProvider, Context, Effect, FiberRef, Layer, Logger, LogLevel, Option, Redacted } from "effect"
import { LeadforgeApi } from "./Api.js"
import { BadRequest, FieldError, problemBody, ServiceUnavailable } from "./api/Problems.js"
import { AuditHttp, KeysHttp } from "./http/AuditHttp.js"
import { ApiKeyCacheLive, AuthenticationLive } from "./http/Authentication.js"
import { CampaignsHttp, ProductsHttp } from "./http/CatalogHttp.js"
import { ActivitiesHttp, ContactsHttp } from "./http/ContactsHttp.js"
import { guard } from "./http/Guard.js"
import { HealthHttp, ServerInfo, SystemHttp } from "./http/HealthHttp.js"
import { idempotencyStoreLayer } from "./http/Idempotency.js"
import { KnowledgeBackend, KnowledgeBackendLive, KnowledgeHttp } from "./http/KnowledgeHttp.js"
import { LeadsHttp } from "./http/LeadsHttp.js"
import { rateLimiterLayer } from "./http/RateLimit.js"
import { EnrichmentHttp, ResearchHttp } from "./http/ResearchHttp.js"

export const VERSION = "0.1.0"

export interface ServeOptions {
  readonly port: number
  readonly host: string
  /** Defaults to Persistence.layerFromEnv: Postgres with DATABASE_URL, else PGlite in LEADFORGE_DATA_DIR. */
  readonly persistence?: Layer.Layer<Persistence.Provided, Persistence.PersistenceError>
  /** Settings that take precedence over the environment (PORT, RATE_LIMIT_BURST, …), e.g. in tests. */
  readonly env?: Record<string, string>
  /** Print the first-run admin key (default: to stdout). */
  readonly onBootstrapKey?: (key: string) => Effect.Effect<void>
  /** Defaults to LanguageModelGroq.layerConfig (GROQ_API_KEY; without it AI endpoints answer 503). */
  readonly languageModel?: Layer.Layer<LanguageModel, unknown>
  /**
   * The in-process research worker: its options, or false for none. It runs only when the model is configured
   * and RESEARCH_WORKER is not false; RESEARCH_WORKER_CONCURRENCY sets its concurrency (default 1).
   */
  readonly researchWorker?: WorkerOptions | false
}

/** One error per field path: a union reports one issue per member, and the first one reads best. */
const fieldErrors = (issues: HttpApiError.HttpApiDecodeError["issues"]) => {
  const byField = new Map<string, FieldError>()
  for (const issue of issues) {
    const { field, code, message } = fieldIssueOf(issue)
    if (!byField.has(field)) byField.set(field, new FieldError({ field, code, message }))
  }
  // A union member may fail at a field and another inside it ("tags" and "tags.0"): keep the specific one.
  const fields = [...byField.keys()]
  return [...byField.values()].filter((e) => !fields.some((f) => f.startsWith(`${e.field}.`)))
}

/** A database that refuses connections is unavailable (503), whatever SQLSTATE the adapter did not classify. */
const isConnectionFailure = (defect: unknown) =>
  typeof defect === "object" &&
  defect !== null &&
  (defect as { _tag?: unknown })._tag === "SqlError" &&
  /acquire connection|connection (?:terminated|refused)/i.test(String((defect as { message?: unknown }).message))

/** Schema decode failures (path, query, headers, body) become 400 problems listing every field. */
const EdgeErrors = HttpApiBuilder.middleware(
  LeadforgeApi,
  (app) =>
    (app as HttpApp.Default<unknown>).pipe(
      Effect.catchIf(
        (error): error is HttpApiError.HttpApiDecodeError => error instanceof HttpApiError.HttpApiDecodeError,
        (error) =>
          Effect.fail(
            new BadRequest(
              problemBody(400, {
                code: "invalid_request",
                detail: "the request is invalid; see errors for every failing field",
                errors: fieldErrors(error.issues)
              })
            )
          )
      ),
      Effect.catchAllDefect((defect) =>
        isConnectionFailure(defect)
          ? Effect.logWarning("database unavailable", defect).pipe(
              Effect.zipRight(
                Effect.fail(
                  new ServiceUnavailable(
                    problemBody(503, { code: "unavailable", detail: "database is unavailable; retry later" })
                  )
                )
              )
            )
          : Effect.die(defect)
      )
    ) as HttpApp.Default<BadRequest | ServiceUnavailable>
)

const corsLayer = Layer.unwrapEffect(
  Effect.map(Config.withDefault(Config.array(Config.string(), "CORS_ORIGINS"), []), (origins) =>
    origins.length === 0
      ? Layer.empty
      : HttpApiBuilder.middlewareCors({
          allowedOrigins: origins,
          allowedHeaders: ["authorization", "content-type", "if-match", "idempotency-key", "x-request-id"],
          exposedHeaders: [
            "etag",
            "x-request-id",
            "retry-after",
            "ratelimit-limit",
            "ratelimit-remaining",
            "ratelimit-reset"
          ]
        })
  )
)

/** RATE_LIMIT_BURST requests at once, RATE_LIMIT_PER_SECOND sustained, per API key; shared via REDIS_URL. */
const rateLimiting = Layer.unwrapEffect(
  Effect.gen(function* () {
    const capacity = yield* Config.withDefault(Config.number("RATE_LIMIT_BURST"), 100)
    const refillPerSecond = yield* Config.withDefault(Config.number("RATE_LIMIT_PER_SECOND"), 20)
    const redisUrl = yield* Config.option(Config.redacted("REDIS_URL"))
    return rateLimiterLayer({ capacity, refillPerSecond }, redisUrl)
  })
)

/** Idempotency-Key records: in this process's memory, or shared by every server process via REDIS_URL. */
const idempotency = Layer.unwrapEffect(Effect.map(Config.option(Config.redacted("REDIS_URL")), idempotencyStoreLayer))

const serverInfo = Layer.effect(
  ServerInfo,
  Effect.gen(function* () {
    const databaseUrl = yield* Config.option(Config.redacted("DATABASE_URL"))
    const qdrant = yield* Config.option(Config.string("QDRANT_URL"))
    const groq = yield* Config.option(Config.redacted("GROQ_API_KEY"))
    return {
      version: VERSION,
      environment: yield* Config.withDefault(Config.string("ENVIRONMENT"), "development"),
      startedAt: Date.now(),
      database: Option.isSome(databaseUrl) && Redacted.value(databaseUrl.value) !== "" ? "postgres" : "pglite",
      vectors: Option.isSome(qdrant) ? "qdrant" : "pgvector",
      llm: Option.isSome(groq) ? "groq" : "none"
    } as const
  })
)

const logging = Layer.unwrapEffect(
  Effect.map(Config.withDefault(Config.logLevel("LOG_LEVEL"), LogLevel.Info), (level) =>
    // One JSON line per entry (the CLI's runMain is started without its pretty logger, so this is the only one).
    Layer.merge(Logger.json, Logger.minimumLogLevel(level))
  )
)

/** Creates an organization and admin key on an empty database and prints the key once. */
const firstRun = (print: (key: string) => Effect.Effect<void>) =>
  Layer.effectDiscard(
    bootstrapFirstOrganization().pipe(
      Effect.flatMap(
        Option.match({
          onNone: () => Effect.void,
          onSome: ({ key, organization }) =>
            print(Redacted.value(key)).pipe(
              Effect.zipRight(Effect.logInfo("created the first organization and its admin key", organization.id))
            )
        })
      ),
      Effect.orDie
    )
  )

const defaultPrint = (key: string) =>
  Effect.sync(() => {
    process.stdout.write(
      `\nFirst run: created an organization and an admin API key. It is shown only once:\n\n  ${key}\n\n` +
        `Use it as "Authorization: Bearer ${key.slice(0, 10)}…". Create more with POST /api/v1/keys.\n\n`
    )
  })

/** The API (handlers, auth, docs) without a transport, for serve() and for tests. */
export const ApiLive = HttpApiBuilder.api(LeadforgeApi).pipe(
  Layer.provide([
    HealthHttp,
    SystemHttp,
    LeadsHttp,
    ContactsHttp,
    ActivitiesHttp,
    AuditHttp,
    KeysHttp,
    CampaignsHttp,
    ProductsHttp,
    KnowledgeHttp,
    EnrichmentHttp,
    ResearchHttp
  ]),
  Layer.provide(AuthenticationLive),
  Layer.provide(EdgeErrors),
  Layer.provide(KnowledgeBackendLive),
  Layer.provide(ApiKeyCacheLive)
)

/** `serve` runs research tasks too, when a model is configured (a server without one would fail every task). */
const inProcessWorker = (options: WorkerOptions | false | undefined) =>
  Layer.unwrapEffect(
    Effect.gen(function* () {
      const enabled = yield* Config.withDefault(Config.boolean("RESEARCH_WORKER"), true)
      const concurrency = yield* Config.withDefault(Config.integer("RESEARCH_WORKER_CONCURRENCY"), 1)
      const health = yield* (yield* LanguageModel).health
      if (options === false || !enabled || health.status !== "ok") return Layer.empty
      // The API's embedder and index (the same memoized layer), so enrichment keeps the lead index in step.
      const knowledge = yield* KnowledgeBackend
      const worker = researchWorkerLayer({ concurrency, ...options })
      return Option.isSome(knowledge.services)
        ? worker.pipe(Layer.provide(Layer.succeedContext(knowledge.services.value)))
        : worker
    })
  ).pipe(Layer.provide(KnowledgeBackendLive))

/**
 * `leadforge serve`: the HTTP server on `host:port` over persistence from the environment. The Layer
 * exposes HttpServer (for its bound address); launching it serves until interrupted, and closing it
 * stops accepting connections and lets in-flight requests finish.
 */
export const serve = (options: ServeOptions) => {
  const persistence = options.persistence ?? Persistence.layerFromEnv
  const bodyLimit = Config.withDefault(Config.integer("BODY_LIMIT_BYTES"), 1024 * 1024)
  const http = Layer.unwrapEffect(
    Effect.map(bodyLimit, (limit) => HttpApiBuilder.serve(guard({ bodyLimit: limit })))
  ).pipe(
    Layer.provide(rateLimiting),
    Layer.provide(idempotency),
    Layer.provide(HttpApiScalar.layer({ path: "/docs" })),
    Layer.provide(HttpApiBuilder.middlewareOpenApi({ path: "/openapi.json" })),
    Layer.provide(corsLayer),
    Layer.provide(ApiLive),
    HttpServer.withLogAddress,
    // No trace exporter is configured, so spans would only cost time: no server span per request, and the
    // request fibers run with the tracer off (a repository's span is then a no-op, and @effect/sql's per-statement
    // span is not recorded).
    HttpMiddleware.withTracerDisabledWhen(() => true),
    Layer.locally(FiberRef.currentTracerEnabled, false),
    Layer.provideMerge(NodeHttpServer.layer(createServer, { port: options.port, host: options.host }))
  )
  const layer = Layer.merge(http, inProcessWorker(options.researchWorker)).pipe(
    Layer.provide(options.languageModel ?? LanguageModelGroq.layerConfig),
    Layer.provide(firstRun(options.onBootstrapKey ?? defaultPrint)),
    Layer.provide(serverInfo),
    Layer.provide(persistence),
    Layer.provide(logging)
  )
  return options.env === undefined
    ? layer
    : layer.pipe(
        Layer.provide(
          Layer.setConfigProvider(
            ConfigProvider.fromJson(options.env).pipe(ConfigProvider.orElse(() => ConfigProvider.fromEnv()))
          )
        )
      )
}

/** PORT and HOST from the environment (defaults 3000 and 0.0.0.0). */
export const serveFromEnv = Layer.unwrapEffect(
  Effect.gen(function* () {
    const port = yield* Config.withDefault(Config.port("PORT"), 3000)
    const host = yield* Config.withDefault(Config.string("HOST"), "0.0.0.0")
    return serve({ port, host })
  })
)

/** Starts the server in the current scope and returns the port it bound (useful with port 0). */
export const start = (options: ServeOptions) =>
  Effect.gen(function* () {
    const context = yield* Layer.build(serve(options))
    const address = Context.get(context, HttpServer.HttpServer).address
    return { port: address._tag === "TcpAddress" ? address.port : options.port }
  })
