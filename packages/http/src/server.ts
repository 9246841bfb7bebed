import { HttpApiBuilder, HttpApiError, HttpApiScalar, type HttpApp, HttpMiddleware, HttpServer } from "@effect/platform"
import { fieldIssueOf, Unavailable } from "@leadforge/domain"
import { Config, Effect, FiberRef, Layer } from "effect"
import { LeadforgeApi } from "./Api.js"
import { BadRequest, FieldError, problemBody, ServiceUnavailable } from "./api/Problems.js"
import { AuditHttp, KeysHttp } from "./http/AuditHttp.js"
import { ApiKeyCacheLive, AuthenticationLive } from "./http/Authentication.js"
import { CampaignsHttp, ProductsHttp } from "./http/CatalogHttp.js"
import { ActivitiesHttp, ContactsHttp } from "./http/ContactsHttp.js"
import { guard } from "./http/Guard.js"
import { HealthHttp, SystemHttp } from "./http/HealthHttp.js"
import { KnowledgeHttp } from "./http/KnowledgeHttp.js"
import { LeadsHttp } from "./http/LeadsHttp.js"
import { EnrichmentHttp, ResearchHttp } from "./http/ResearchHttp.js"

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

/** A backing service the adapters reported as unavailable, as a defect rather than a typed failure: 503 too. */
const isUnavailable = (defect: unknown): defect is Unavailable => defect instanceof Unavailable

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
        isUnavailable(defect)
          ? Effect.logWarning(`${defect.service} unavailable`, defect.reason).pipe(
              Effect.zipRight(
                Effect.fail(
                  new ServiceUnavailable(
                    problemBody(503, { code: "unavailable", detail: `${defect.service} is unavailable; retry later` })
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

/** The API (handlers, auth) without a transport or edge steps, for the server and for tests. */
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
  Layer.provide(ApiKeyCacheLive)
)

/**
 * The whole API on an HttpServer: handlers, the edge steps (request ids, body checks, rate limits, idempotency,
 * access log), CORS from CORS_ORIGINS, the docs at /docs and the OpenAPI document at /openapi.json. It needs only
 * the domain's ports (repositories, RateLimitStore, IdempotencyStore, KnowledgeBackend, SystemProbe, LanguageModel)
 * and an HttpServer; BODY_LIMIT_BYTES (1 MiB) bounds request bodies.
 */
export const ApiServer = Layer.unwrapEffect(
  Effect.map(Config.withDefault(Config.integer("BODY_LIMIT_BYTES"), 1024 * 1024), (limit) =>
    HttpApiBuilder.serve(guard({ bodyLimit: limit }))
  )
).pipe(
  Layer.provide(HttpApiScalar.layer({ path: "/docs" })),
  Layer.provide(HttpApiBuilder.middlewareOpenApi({ path: "/openapi.json" })),
  Layer.provide(corsLayer),
  Layer.provide(ApiLive),
  HttpServer.withLogAddress,
  // No trace exporter is configured, so spans would only cost time: no server span per request, and the
  // request fibers run with the tracer off (a repository's span is then a no-op, and @effect/sql's per-statement
  // span is not recorded).
  HttpMiddleware.withTracerDisabledWhen(() => true),
  Layer.locally(FiberRef.currentTracerEnabled, false)
)
