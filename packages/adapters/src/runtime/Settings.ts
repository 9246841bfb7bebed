import { type Backends, DEFAULT_MAX_DOCUMENT_BYTES, type SessionPolicy, type SignInPolicy } from "@leadforge/domain"
import { Config, ConfigError, Context, Duration, Effect, Either, Layer, Option, Redacted } from "effect"
import type { TokenBucketOptions } from "../memory/RateLimitStoreMemory.js"
import * as PgliteStore from "../pglite/PgliteStore.js"
import { parseAllowList } from "../web/addressPolicy.js"
import type { FetchSettings } from "../web/fetchCore.js"

/** Where the data lives: PostgreSQL from DATABASE_URL, else the embedded PGlite. */
export type DatabaseChoice =
  | { readonly _tag: "Postgres"; readonly url: Redacted.Redacted }
  | { readonly _tag: "Pglite"; readonly options: PgliteStore.Options }

/** Where the vectors live: Qdrant from QDRANT_URL, else pgvector on the database. */
export type VectorChoice = { readonly _tag: "Qdrant"; readonly url: string } | { readonly _tag: "Pgvector" }

/**
 * Every setting that chooses a backend, read once. Empty means unset for each of them: `DATABASE_URL=` is the
 * embedded database, `QDRANT_URL=` is pgvector, `GROQ_API_KEY=` is no model, `REDIS_URL=` is memory.
 */
export interface Settings {
  readonly database: DatabaseChoice
  readonly vectors: VectorChoice
  /** EMBEDDINGS_URL chooses the OpenAI-compatible embedder (which reads its EMBEDDINGS_* settings itself). */
  readonly embedder: "hashing" | "openai-compatible"
  readonly groqApiKey: Option.Option<Redacted.Redacted>
  readonly redisUrl: Option.Option<Redacted.Redacted>
  /** REDIS_KEY_PREFIX (default `leadforge:`): every key the stores write starts with it. */
  readonly redisKeyPrefix: string
  /** RATE_LIMIT_BURST (100) and RATE_LIMIT_PER_SECOND (20), per API key. */
  readonly rateLimit: TokenBucketOptions
  /** AUDIT_CHECKPOINT_KEY: signs and checks audit checkpoints; without it checkpoints are refused. */
  readonly auditCheckpointKey: Option.Option<Redacted.Redacted>
  /** ENVIRONMENT (default `development`), reported by /status. */
  readonly environment: string
  /**
   * The HTTP edge: BODY_LIMIT_BYTES (1 MiB), CORS_ORIGINS (none), API_KEY_CACHE_SECONDS (5; 0 turns it off),
   * AUTH_FAILURE_BURST (10) and AUTH_FAILURE_PER_SECOND (1) failed authentications per client address.
   */
  readonly http: {
    readonly bodyLimitBytes: number
    readonly corsOrigins: ReadonlyArray<string>
    readonly apiKeyCacheSeconds: number
    readonly authFailures: TokenBucketOptions
    /**
     * People's sessions and sign-in: SESSION_IDLE_HOURS (12) and SESSION_LIFETIME_DAYS (7); SIGN_IN_LOCK_AFTER (5)
     * consecutive failures lock an account for SIGN_IN_LOCK_MINUTES (15); SIGN_IN_ACCOUNT_BURST (10) and
     * SIGN_IN_ACCOUNT_PER_MINUTE (1) attempts per account, SIGN_IN_ADDRESS_BURST (30) and
     * SIGN_IN_ADDRESS_PER_MINUTE (30) per client address.
     */
    readonly auth: { readonly session: SessionPolicy; readonly signIn: SignInPolicy }
  }
  /**
   * The HTTP server's connection timeouts, in milliseconds (the settings are in seconds): HTTP_HEADERS_TIMEOUT
   * (10 s to receive a request's headers), HTTP_REQUEST_TIMEOUT (60 s to receive the whole request) and
   * HTTP_KEEP_ALIVE_TIMEOUT (5 s an idle kept-alive connection stays open); HTTP_SHUTDOWN_GRACE (10 s the requests
   * in flight at shutdown have to finish before their connections are closed and their writes rolled back).
   */
  readonly server: {
    readonly headersTimeoutMs: number
    readonly requestTimeoutMs: number
    readonly keepAliveTimeoutMs: number
    readonly shutdownGraceMs: number
  }
  /** KNOWLEDGE_MAX_DOCUMENT_BYTES (2 MiB): the largest knowledge document's text, in UTF-8 bytes. */
  readonly knowledge: {
    readonly maxDocumentBytes: number
  }
  /** Website research: the fetcher's limits and politeness, WEB_CRAWL_MAX_PAGES and WEB_RECRAWL_AFTER. */
  readonly web: WebSettings
}

const isBlank = (value: string) => value.trim() === ""

/** An optional text setting; empty (or blank) is unset. */
export const optionalText = (name: string): Config.Config<Option.Option<string>> =>
  Config.string(name).pipe(Config.option, Config.map(Option.filter((value) => !isBlank(value))))

/** An optional secret; empty (or blank) is unset. */
export const optionalSecret = (name: string): Config.Config<Option.Option<Redacted.Redacted>> =>
  Config.redacted(name).pipe(Config.option, Config.map(Option.filter((value) => !isBlank(Redacted.value(value)))))

/** A number with a default; empty is the default. */
const numberOr = (name: string, fallback: number) =>
  optionalText(name).pipe(
    Config.mapOrFail((value) => {
      if (Option.isNone(value)) return Either.right(fallback)
      const parsed = Number(value.value)
      return Number.isFinite(parsed) && parsed > 0
        ? Either.right(parsed)
        : Either.left(ConfigError.InvalidData([name], `expected a positive number, got ${value.value}`))
    })
  )

/** A duration such as `1 second` or `7 days`, with a default; empty is the default. */
export const durationOr = (name: string, fallback: Duration.DurationInput) =>
  optionalText(name).pipe(
    Config.mapOrFail((value) => {
      if (Option.isNone(value)) return Either.right(Duration.decode(fallback))
      const parsed = Duration.decodeUnknown(value.value.trim())
      return Option.isSome(parsed)
        ? Either.right(parsed.value)
        : Either.left(ConfigError.InvalidData([name], `expected a duration such as "10 seconds", got ${value.value}`))
    })
  )

/** A whole number of at least `min`, with a default; empty is the default. */
export const integerOr = (name: string, fallback: number, min: number) =>
  optionalText(name).pipe(
    Config.mapOrFail((value) => {
      if (Option.isNone(value)) return Either.right(fallback)
      const parsed = Number(value.value)
      return Number.isSafeInteger(parsed) && parsed >= min
        ? Either.right(parsed)
        : Either.left(ConfigError.InvalidData([name], `expected a whole number of at least ${min}, got ${value.value}`))
    })
  )

/** A comma-separated list; empty entries (and an empty value) are dropped. */
export const listOf = (name: string) =>
  optionalText(name).pipe(
    Config.map(
      Option.match({
        onNone: (): ReadonlyArray<string> => [],
        onSome: (value) =>
          value
            .split(",")
            .map((entry) => entry.trim())
            .filter((entry) => entry !== "")
      })
    )
  )

/** The shortest checkpoint key accepted: 32 characters, so a guessable word cannot sign checkpoints. */
export const AUDIT_CHECKPOINT_KEY_MIN_LENGTH = 32

const checkpointKey = optionalSecret("AUDIT_CHECKPOINT_KEY").pipe(
  Config.mapOrFail((key) =>
    Option.isSome(key) && Redacted.value(key.value).length < AUDIT_CHECKPOINT_KEY_MIN_LENGTH
      ? Either.left(
          ConfigError.InvalidData(
            ["AUDIT_CHECKPOINT_KEY"],
            `expected at least ${AUDIT_CHECKPOINT_KEY_MIN_LENGTH} characters (e.g. \`openssl rand -hex 32\`)`
          )
        )
      : Either.right(key)
  )
)

const pgliteOptions = Config.all({
  dataDir: PgliteStore.dataDirConfig,
  sharedBuffers: PgliteStore.sharedBuffersConfig
})

/** The server's timeouts; a request's headers must be due no later than the whole request (Node refuses it). */
const serverTimeouts = Config.all({
  headers: numberOr("HTTP_HEADERS_TIMEOUT", 10),
  request: numberOr("HTTP_REQUEST_TIMEOUT", 60),
  keepAlive: numberOr("HTTP_KEEP_ALIVE_TIMEOUT", 5),
  shutdownGrace: numberOr("HTTP_SHUTDOWN_GRACE", 10)
}).pipe(
  Config.mapOrFail(({ headers, request, keepAlive, shutdownGrace }) =>
    headers > request
      ? Either.left(
          ConfigError.InvalidData(
            ["HTTP_HEADERS_TIMEOUT"],
            `HTTP_HEADERS_TIMEOUT (${headers} s) must not exceed HTTP_REQUEST_TIMEOUT (${request} s)`
          )
        )
      : Either.right({
          headersTimeoutMs: Math.round(headers * 1000),
          requestTimeoutMs: Math.round(request * 1000),
          keepAliveTimeoutMs: Math.round(keepAlive * 1000),
          shutdownGraceMs: Math.round(shutdownGrace * 1000)
        })
  )
)

/** Website research settings: the fetcher's, and how much of a site is read and how often. */
export interface WebSettings extends FetchSettings {
  /** WEB_CRAWL_MAX_PAGES (10): same-site pages read after the home page. */
  readonly maxPages: number
  /** WEB_RECRAWL_AFTER (7 days): a page fetched more recently is not fetched again. */
  readonly recrawlAfterMs: number
}

/** The version named in the crawler's User-Agent. */
const LEADFORGE_WEB_VERSION = "0.1"

const DEFAULT_CONTENT_TYPES = ["text/html", "application/xhtml+xml", "text/plain"]

/** WEB_FETCH_ALLOW as `host:port` pairs; a malformed entry stops the command, naming it. */
const webFetchAllow = listOf("WEB_FETCH_ALLOW").pipe(
  Config.mapOrFail((entries) => {
    const { pairs, pinned, invalid } = parseAllowList(entries)
    return invalid.length === 0
      ? Either.right({ pairs, pinned })
      : Either.left(
          ConfigError.InvalidData(
            ["WEB_FETCH_ALLOW"],
            `expected host:port or host:port=address, got ${invalid.join(", ")}`
          )
        )
  })
)

/** WEB_CONTACT_URL goes into the User-Agent so site owners can reach whoever runs the crawler. */
const webContactUrl = optionalText("WEB_CONTACT_URL").pipe(
  Config.mapOrFail((value) => {
    if (Option.isNone(value)) return Either.right(Option.none<string>())
    try {
      const url = new URL(value.value.trim())
      if (url.protocol === "http:" || url.protocol === "https:") return Either.right(Option.some(url.href))
    } catch {}
    return Either.left(ConfigError.InvalidData(["WEB_CONTACT_URL"], `expected an http(s) URL, got ${value.value}`))
  })
)

const millis = (duration: Duration.Duration) => Math.round(Duration.toMillis(duration))

const webSettings: Config.Config<WebSettings> = Config.all({
  allow: webFetchAllow,
  contact: webContactUrl,
  crawlDelay: durationOr("WEB_CRAWL_DELAY", "1 second"),
  connectTimeout: durationOr("WEB_FETCH_CONNECT_TIMEOUT", "5 seconds"),
  headersTimeout: durationOr("WEB_FETCH_HEADERS_TIMEOUT", "10 seconds"),
  bodyTimeout: durationOr("WEB_FETCH_BODY_TIMEOUT", "20 seconds"),
  maxBytes: integerOr("WEB_FETCH_MAX_BYTES", 2 * 1024 * 1024, 1),
  contentTypes: listOf("WEB_FETCH_CONTENT_TYPES"),
  maxPages: integerOr("WEB_CRAWL_MAX_PAGES", 10, 0),
  recrawlAfter: durationOr("WEB_RECRAWL_AFTER", "7 days")
}).pipe(
  Config.map((web) => ({
    allow: web.allow.pairs,
    pinned: web.allow.pinned,
    userAgent: `Leadforge/${LEADFORGE_WEB_VERSION} (website research${Option.match(web.contact, {
      onNone: () => "",
      onSome: (url) => `; +${url}`
    })})`,
    crawlDelayMs: millis(web.crawlDelay),
    connectTimeoutMs: millis(web.connectTimeout),
    headersTimeoutMs: millis(web.headersTimeout),
    bodyTimeoutMs: millis(web.bodyTimeout),
    maxBytes: web.maxBytes,
    contentTypes:
      web.contentTypes.length === 0 ? DEFAULT_CONTENT_TYPES : web.contentTypes.map((type) => type.toLowerCase()),
    maxPages: web.maxPages,
    recrawlAfterMs: millis(web.recrawlAfter)
  }))
)

/** Session timeouts and sign-in limits. */
const authSettings = Config.all({
  idleHours: numberOr("SESSION_IDLE_HOURS", 12),
  lifetimeDays: numberOr("SESSION_LIFETIME_DAYS", 7),
  lockAfter: integerOr("SIGN_IN_LOCK_AFTER", 5, 1),
  lockMinutes: numberOr("SIGN_IN_LOCK_MINUTES", 15),
  accountBurst: numberOr("SIGN_IN_ACCOUNT_BURST", 10),
  accountPerMinute: numberOr("SIGN_IN_ACCOUNT_PER_MINUTE", 1),
  addressBurst: numberOr("SIGN_IN_ADDRESS_BURST", 30),
  addressPerMinute: numberOr("SIGN_IN_ADDRESS_PER_MINUTE", 30)
}).pipe(
  Config.map((a) => ({
    session: { idleMs: Math.round(a.idleHours * 3_600_000), absoluteMs: Math.round(a.lifetimeDays * 86_400_000) },
    signIn: {
      lockAfter: a.lockAfter,
      lockMs: Math.round(a.lockMinutes * 60_000),
      perAccount: { capacity: a.accountBurst, refillPerSecond: a.accountPerMinute / 60 },
      perAddress: { capacity: a.addressBurst, refillPerSecond: a.addressPerMinute / 60 }
    }
  }))
)

/** Reads the settings from the current ConfigProvider; the PGlite settings only when PGlite is chosen. */
export const readSettings: Effect.Effect<Settings, ConfigError.ConfigError> = Effect.gen(function* () {
  const databaseUrl = yield* optionalSecret("DATABASE_URL")
  const database: DatabaseChoice = Option.isSome(databaseUrl)
    ? { _tag: "Postgres", url: databaseUrl.value }
    : { _tag: "Pglite", options: yield* pgliteOptions }
  const qdrantUrl = yield* optionalText("QDRANT_URL")
  const embeddingsUrl = yield* optionalText("EMBEDDINGS_URL")
  return {
    database,
    vectors: Option.isSome(qdrantUrl) ? { _tag: "Qdrant", url: qdrantUrl.value } : { _tag: "Pgvector" },
    embedder: Option.isSome(embeddingsUrl) ? "openai-compatible" : "hashing",
    groqApiKey: yield* optionalSecret("GROQ_API_KEY"),
    redisUrl: yield* optionalSecret("REDIS_URL"),
    redisKeyPrefix: Option.getOrElse(yield* optionalText("REDIS_KEY_PREFIX"), () => "leadforge:"),
    rateLimit: {
      capacity: yield* numberOr("RATE_LIMIT_BURST", 100),
      refillPerSecond: yield* numberOr("RATE_LIMIT_PER_SECOND", 20)
    },
    auditCheckpointKey: yield* checkpointKey,
    environment: Option.getOrElse(yield* optionalText("ENVIRONMENT"), () => "development"),
    http: {
      bodyLimitBytes: yield* integerOr("BODY_LIMIT_BYTES", 1024 * 1024, 1),
      corsOrigins: yield* listOf("CORS_ORIGINS"),
      apiKeyCacheSeconds: yield* integerOr("API_KEY_CACHE_SECONDS", 5, 0),
      authFailures: {
        capacity: yield* numberOr("AUTH_FAILURE_BURST", 10),
        refillPerSecond: yield* numberOr("AUTH_FAILURE_PER_SECOND", 1)
      },
      auth: yield* authSettings
    },
    server: yield* serverTimeouts,
    knowledge: {
      maxDocumentBytes: yield* integerOr("KNOWLEDGE_MAX_DOCUMENT_BYTES", DEFAULT_MAX_DOCUMENT_BYTES, 1)
    },
    web: yield* webSettings
  } satisfies Settings
})

/** The settings of this process, read once per layer build. */
export class RuntimeSettings extends Context.Tag("@leadforge/adapters/runtime/RuntimeSettings")<
  RuntimeSettings,
  Settings
>() {}

export const settingsLayer = Layer.effect(RuntimeSettings, readSettings)

/** The backend names the settings choose, as /status and /health report them. */
export const backendsOf = (settings: Settings): Backends => ({
  database: settings.database._tag === "Postgres" ? "postgres" : "pglite",
  vectors: settings.vectors._tag === "Qdrant" ? "qdrant" : "pgvector",
  embedder: settings.embedder,
  llm: Option.isSome(settings.groqApiKey) ? "groq" : "none",
  stores: Option.isSome(settings.redisUrl) ? "redis" : "memory"
})

/** Where the data lives, for messages (never the URL: it may carry a password). */
export const describeDatabase = (settings: Settings) =>
  settings.database._tag === "Postgres"
    ? "PostgreSQL (DATABASE_URL)"
    : `embedded PGlite in ${settings.database.options.dataDir}`

/** Where the data lives, from the current settings, for messages. */
export const databaseDescription = Effect.map(readSettings, describeDatabase).pipe(
  Effect.orElseSucceed(() => "the configured database")
)
