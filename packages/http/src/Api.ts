import { HttpApi, OpenApi } from "@effect/platform"
import { AuditApi, KeysApi } from "./api/AuditApi.js"
import { CampaignsApi, ProductsApi } from "./api/CatalogApi.js"
import { ActivitiesApi, ContactsApi } from "./api/ContactsApi.js"
import { HealthApi, SystemApi } from "./api/HealthApi.js"
import { KnowledgeApi } from "./api/KnowledgeApi.js"
import { LeadsApi } from "./api/LeadsApi.js"
import {
  BadRequest,
  Conflict,
  Forbidden,
  InternalError,
  NotFound,
  PayloadTooLarge,
  PreconditionFailed,
  PreconditionRequired,
  ServiceUnavailable,
  TooManyRequests,
  Unauthorized,
  Unprocessable,
  UnsupportedMediaType
} from "./api/Problems.js"
import { EnrichmentApi, ResearchApi } from "./api/ResearchApi.js"

/** The whole HTTP contract; clients derive a typed client with `HttpApiClient.make(LeadforgeApi)`. */
export class LeadforgeApi extends HttpApi.make("leadforge")
  .add(HealthApi)
  .add(SystemApi)
  .add(LeadsApi)
  .add(ContactsApi)
  .add(ActivitiesApi)
  .add(AuditApi)
  .add(KeysApi)
  .add(CampaignsApi)
  .add(ProductsApi)
  .add(KnowledgeApi)
  .add(EnrichmentApi)
  .add(ResearchApi)
  .addError(BadRequest)
  .addError(Unauthorized)
  .addError(Forbidden)
  .addError(NotFound)
  .addError(Conflict)
  .addError(PreconditionFailed)
  .addError(PayloadTooLarge)
  .addError(UnsupportedMediaType)
  .addError(Unprocessable)
  .addError(PreconditionRequired)
  .addError(TooManyRequests)
  .addError(InternalError)
  .addError(ServiceUnavailable)
  .annotateContext(
    OpenApi.annotations({
      title: "Leadforge API",
      version: "0.1.0",
      description:
        "Leads, contacts, activities and audit. Errors are RFC 9457 problem+json with a stable `code`. " +
        "Every /api/v1 route needs `Authorization: Bearer lf_…`.",
      license: { name: "MIT", url: "https://opensource.org/licenses/MIT" },
      // Relative to where this document is served, so it holds for any host and port the server is started on.
      servers: [{ url: "/", description: "The server that serves this document" }]
    })
  ) {}

export * from "./api/AuditApi.js"
export * from "./api/CatalogApi.js"
export * from "./api/ContactsApi.js"
export * from "./api/HealthApi.js"
export * from "./api/KnowledgeApi.js"
export * from "./api/LeadsApi.js"
export * from "./api/Problems.js"
export * from "./api/ResearchApi.js"
export * from "./api/Security.js"
export * from "./api/schemas.js"
