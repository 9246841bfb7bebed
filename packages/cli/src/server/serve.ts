import { createServer, type ServerOptions } from "node:http"
import { HttpServer } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import * as Runtime from "@leadforge/adapters/runtime"
import { reindexWorkerLayer, researchWorkerLayer, type WorkerOptions } from "@leadforge/adapters/worker"
import { bootstrapFirstOrganization, KnowledgeBackend, LanguageModel } from "@leadforge/domain"
import { apiServer } from "@leadforge/http"
import { Config, ConfigProvider, Context, Effect, Layer, Logger, LogLevel, Option, Redacted } from "effect"
import { answerClientErrors } from "./clientError.js"
import { gracefulShutdown, InFlight } from "./shutdown.js"

export interface ServeOptions {
  readonly port: number
  readonly host: string
  /** Defaults to the runtime's persistence: PostgreSQL with DATABASE_URL, else PGlite in LEADFORGE_DATA_DIR. */
  readonly persistence?: Layer.Layer<Runtime.Provided, unknown>
  /** Settings that take precedence over the environment (PORT, RATE_LIMIT_BURST, …), e.g. in tests. */
  readonly env?: Record<string, string>
  /** Print the first-run admin key (default: to stdout). */
  readonly onBootstrapKey?: (key: string) => Effect.Effect<void>
  /** Print the first-run invitation for the first admin person, as its token (default: to stdout). */
  readonly onBootstrapInvitation?: (token: string) => Effect.Effect<void>
  /** Defaults to the runtime's language model (Groq with GROQ_API_KEY; without it AI endpoints answer 503). */
  readonly languageModel?: Layer.Layer<LanguageModel, unknown>
  /** Defaults to the runtime's website fetcher, page extractor and crawl limits (the WEB_* settings). */
  readonly web?: Layer.Layer<Runtime.WebServices, unknown>
  /**
   * The in-process research worker: its options, or false for none. It runs only when the model is configured
   * and RESEARCH_WORKER is not false; RESEARCH_WORKER_CONCURRENCY sets its concurrency (default 1).
   */
  readonly researchWorker?: WorkerOptions | false
  /** The in-process reindex worker (runs whenever the server has a vector index): its options, or false for none. */
  readonly reindexWorker?: WorkerOptions | false
}

const logging = Layer.unwrapEffect(
  Effect.map(Config.withDefault(Config.logLevel("LOG_LEVEL"), LogLevel.Info), (level) =>
    // One JSON line per entry (the CLI's runMain is started without its pretty logger, so this is the only one).
    Layer.merge(Logger.json, Logger.minimumLogLevel(level))
  )
)

/**
 * Creates an organization, an admin key and an invitation for the first admin person on an empty database, and
 * prints the key and the invitation once.
 */
const firstRun = (print: (key: string) => Effect.Effect<void>, invite: (token: string) => Effect.Effect<void>) =>
  Layer.effectDiscard(
    bootstrapFirstOrganization().pipe(
      Effect.flatMap(
        Option.match({
          onNone: () => Effect.void,
          onSome: ({ key, organization, invitation }) =>
            print(Redacted.value(key)).pipe(
              Effect.zipRight(invite(Redacted.value(invitation.token))),
              Effect.zipRight(
                Effect.logInfo("created the first organization, its admin key and an invitation", organization.id)
              )
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

const defaultInvitationPrint = (token: string) =>
  Effect.sync(() => {
    process.stdout.write(
      "The first admin person signs up with this one-time invitation (valid 48 hours):\n\n" +
        `  ${token}\n\n` +
        'POST it to /api/v1/invitations/accept as {"token": …, "email": …, "name": …, "password": …}.\n\n'
    )
  })

/** `serve` runs research tasks too, when a model is configured (a server without one would fail every task). */
const inProcessWorker = (options: WorkerOptions | false | undefined) =>
  Layer.unwrapEffect(
    Effect.gen(function* () {
      const enabled = yield* Config.withDefault(Config.boolean("RESEARCH_WORKER"), true)
      const concurrency = yield* Config.withDefault(Config.integer("RESEARCH_WORKER_CONCURRENCY"), 1)
      const health = yield* (yield* LanguageModel).health
      if (options === false || !enabled || health.status === "not_configured") return Layer.empty
      // The API's embedder and index (opened once), so enrichment keeps the lead index in step.
      const knowledge = yield* KnowledgeBackend
      const worker = researchWorkerLayer({ concurrency, ...options })
      return Option.isSome(knowledge.services)
        ? worker.pipe(Layer.provide(Layer.succeedContext(knowledge.services.value)))
        : worker
    })
  )

/** `serve` runs the reindex tasks POST /knowledge/reindex queues, with the API's embedder and index. */
const inProcessReindexer = (options: WorkerOptions | false | undefined) =>
  Layer.unwrapEffect(
    Effect.gen(function* () {
      const knowledge = yield* KnowledgeBackend
      if (options === false || Option.isNone(knowledge.services)) return Layer.empty
      // a claim is a statement on the database: idle, the worker looks once a second
      return reindexWorkerLayer({ poll: "1 second", ...options }).pipe(
        Layer.provide(Layer.succeedContext(knowledge.services.value))
      )
    })
  )

/**
 * Idle and trickling connections are closed: a request's headers and the whole request must arrive within their
 * timeouts (checked every second at most, not Node's default 30), and a kept-alive connection closes when idle.
 */
const connectionLimits = (server: Runtime.Settings["server"]): ServerOptions => ({
  headersTimeout: server.headersTimeoutMs,
  requestTimeout: server.requestTimeoutMs,
  keepAliveTimeout: server.keepAliveTimeoutMs,
  connectionsCheckingInterval: Math.min(1_000, server.headersTimeoutMs)
})

/**
 * `leadforge serve`: the HTTP API on `host:port` over the backends the runtime chooses. The Layer exposes HttpServer
 * (for its bound address); launching it serves until interrupted, and closing it stops accepting connections, lets
 * in-flight requests finish within HTTP_SHUTDOWN_GRACE and rolls back the rest (see gracefulShutdown).
 */
export const serve = (options: ServeOptions) => {
  const http = Layer.unwrapEffect(
    Effect.map(Runtime.RuntimeSettings, (settings) => {
      const server = answerClientErrors(createServer(connectionLimits(settings.server)))
      const inFlight = new InFlight()
      // built last, so its graceful stop runs first when the scope closes (see gracefulShutdown)
      return gracefulShutdown(server, inFlight, settings.server.shutdownGraceMs).pipe(
        Layer.provideMerge(
          apiServer({ ...settings.http, knowledgeMaxDocumentBytes: settings.knowledge.maxDocumentBytes }).pipe(
            Layer.provide(inFlight.middleware),
            Layer.provideMerge(NodeHttpServer.layer(() => server, { port: options.port, host: options.host }))
          )
        )
      )
    })
  ).pipe(Layer.provide(Runtime.settingsLayer))
  const layer = Layer.mergeAll(
    http,
    inProcessWorker(options.researchWorker),
    inProcessReindexer(options.reindexWorker)
  ).pipe(
    Layer.provide(options.languageModel ?? Runtime.languageModel),
    Layer.provide(Runtime.stores),
    Layer.provide(Runtime.passwordHasher),
    Layer.provide(Runtime.accessTokens),
    Layer.provide(Runtime.auditCheckpointKey),
    Layer.provide(
      firstRun(options.onBootstrapKey ?? defaultPrint, options.onBootstrapInvitation ?? defaultInvitationPrint)
    ),
    Layer.provide(Runtime.systemProbe),
    Layer.provide(Runtime.knowledge),
    Layer.provide(options.web ?? Runtime.web),
    Layer.provide(options.persistence ?? Runtime.persistence),
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

/** Starts the server in the current scope and returns the port it bound (useful with port 0). */
export const start = (options: ServeOptions) =>
  Effect.gen(function* () {
    const context = yield* Layer.build(serve(options))
    const address = Context.get(context, HttpServer.HttpServer).address
    return { port: address._tag === "TcpAddress" ? address.port : options.port }
  })
