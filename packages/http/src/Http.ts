import { HttpApiBuilder, HttpApiScalar, HttpMiddleware, HttpServer } from "@effect/platform"
import {
  ACCESS_TOKEN_LIFETIME_MS,
  DEFAULT_MAX_DOCUMENT_BYTES,
  defaultSessionPolicy,
  defaultSignInPolicy,
  type TokenBucket
} from "@leadforge/domain"
import { FiberRef, Layer } from "effect"
import { LeadforgeApi } from "./Api.js"
import { apiKeyCacheLayer } from "./auth/ApiKeyCache.js"
import { AuthenticationLive } from "./auth/Authentication.js"
import { type AuthPolicies, authSettingsLayer } from "./auth/AuthSettings.js"
import { revokedSessionsLayer } from "./auth/RevokedSessions.js"
import { corsLayer } from "./edge/cors.js"
import { EdgeErrors } from "./edge/errors.js"
import { guard } from "./edge/guard.js"
import { ActivitiesHttp } from "./groups/activities/ActivitiesHttp.js"
import { AuditHttp } from "./groups/audit/AuditHttp.js"
import { AuthHttp } from "./groups/auth/AuthHttp.js"
import { CampaignsHttp } from "./groups/campaigns/CampaignsHttp.js"
import { ContactsHttp } from "./groups/contacts/ContactsHttp.js"
import { EnrichmentHttp } from "./groups/enrichment/EnrichmentHttp.js"
import { HealthHttp } from "./groups/health/HealthHttp.js"
import { KeysHttp } from "./groups/keys/KeysHttp.js"
import { KnowledgeHttp } from "./groups/knowledge/KnowledgeHttp.js"
import { documentBodyLimit, knowledgeLimitsLayer } from "./groups/knowledge/KnowledgeLimits.js"
import { LeadsHttp } from "./groups/leads/LeadsHttp.js"
import { MembersHttp } from "./groups/members/MembersHttp.js"
import { ProductsHttp } from "./groups/products/ProductsHttp.js"
import { ResearchHttp } from "./groups/research/ResearchHttp.js"
import { SystemHttp } from "./groups/system/SystemHttp.js"

/** What the one who assembles the server decides (the CLI's `serve` takes it from the composition root). */
export interface ApiOptions {
  /** Request bodies larger than this get 413 (BODY_LIMIT_BYTES, 1 MiB by default). */
  readonly bodyLimitBytes: number
  /** Origins allowed by CORS; none when empty (CORS_ORIGINS). */
  readonly corsOrigins: ReadonlyArray<string>
  /** How long a resolved API key is remembered; 0 turns the cache off (API_KEY_CACHE_SECONDS, 5). */
  readonly apiKeyCacheSeconds: number
  /**
   * Failed authentications (401s to requests that sent a key) allowed per client address: a burst and a refill
   * per second (AUTH_FAILURE_BURST 10, AUTH_FAILURE_PER_SECOND 1); past it, 429.
   */
  readonly authFailures: TokenBucket
  /**
   * The largest knowledge document's text in UTF-8 bytes (KNOWLEDGE_MAX_DOCUMENT_BYTES, 2 MiB): a larger one gets
   * 413 `document_too_large`. The upload route takes bodies up to twice this (or `bodyLimitBytes`, when larger).
   */
  readonly knowledgeMaxDocumentBytes: number
  /**
   * Sessions' idle and absolute timeouts (SESSION_IDLE_HOURS 12, SESSION_LIFETIME_DAYS 7), the sign-in limits
   * (SIGN_IN_* settings), and the origins besides the server's own trusted for cookie-authenticated writes.
   */
  readonly auth: Omit<AuthPolicies, "trustedOrigins">
}

export const defaultApiOptions: ApiOptions = {
  bodyLimitBytes: 1024 * 1024,
  corsOrigins: [],
  apiKeyCacheSeconds: 5,
  authFailures: { capacity: 10, refillPerSecond: 1 },
  knowledgeMaxDocumentBytes: DEFAULT_MAX_DOCUMENT_BYTES,
  auth: { session: defaultSessionPolicy, signIn: defaultSignInPolicy }
}

/** The API (handlers, auth) without a transport or edge steps, for the server and for tests. */
export const apiLive = (
  options: Pick<
    ApiOptions,
    "apiKeyCacheSeconds" | "knowledgeMaxDocumentBytes" | "auth" | "corsOrigins"
  > = defaultApiOptions
) =>
  HttpApiBuilder.api(LeadforgeApi).pipe(
    Layer.provide([
      HealthHttp,
      SystemHttp,
      LeadsHttp,
      ContactsHttp,
      ActivitiesHttp,
      AuditHttp,
      KeysHttp,
      AuthHttp,
      MembersHttp,
      CampaignsHttp,
      ProductsHttp,
      KnowledgeHttp.pipe(Layer.provide(knowledgeLimitsLayer(options.knowledgeMaxDocumentBytes))),
      EnrichmentHttp,
      ResearchHttp
    ]),
    Layer.provide(AuthenticationLive),
    Layer.provide(EdgeErrors),
    Layer.provide(apiKeyCacheLayer(options.apiKeyCacheSeconds)),
    Layer.provide(authSettingsLayer({ ...options.auth, trustedOrigins: options.corsOrigins })),
    Layer.provide(revokedSessionsLayer(ACCESS_TOKEN_LIFETIME_MS))
  )

/**
 * The whole API on an HttpServer: handlers, the edge steps (request ids, body checks, rate limits, idempotency,
 * access log), CORS, the docs at /docs and the OpenAPI document at /openapi.json. It needs only the domain's ports
 * (repositories, RateLimitStore, IdempotencyStore, KnowledgeBackend, SystemProbe, LanguageModel) and an HttpServer.
 */
export const apiServer = (options: ApiOptions = defaultApiOptions) =>
  HttpApiBuilder.serve(
    guard({
      bodyLimit: options.bodyLimitBytes,
      documentBodyLimit: documentBodyLimit(options.bodyLimitBytes, options.knowledgeMaxDocumentBytes),
      authFailures: options.authFailures
    })
  ).pipe(
    Layer.provide(HttpApiScalar.layer({ path: "/docs" })),
    Layer.provide(HttpApiBuilder.middlewareOpenApi({ path: "/openapi.json" })),
    Layer.provide(corsLayer(options.corsOrigins)),
    Layer.provide(apiLive(options)),
    HttpServer.withLogAddress,
    // No trace exporter is configured, so spans would only cost time: no server span per request, and the
    // request fibers run with the tracer off (a repository's span is then a no-op, and @effect/sql's per-statement
    // span is not recorded).
    HttpMiddleware.withTracerDisabledWhen(() => true),
    Layer.locally(FiberRef.currentTracerEnabled, false)
  )
