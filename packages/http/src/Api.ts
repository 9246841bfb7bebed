import { HttpApi, OpenApi } from "@effect/platform"
import { Problems } from "./contract/Problems.js"
import { ActivitiesApi } from "./groups/activities/ActivitiesApi.js"
import { AuditApi } from "./groups/audit/AuditApi.js"
import { AuthApi } from "./groups/auth/AuthApi.js"
import { CampaignsApi } from "./groups/campaigns/CampaignsApi.js"
import { ContactsApi } from "./groups/contacts/ContactsApi.js"
import { EnrichmentApi } from "./groups/enrichment/EnrichmentApi.js"
import { HealthApi } from "./groups/health/HealthApi.js"
import { KeysApi } from "./groups/keys/KeysApi.js"
import { KnowledgeApi } from "./groups/knowledge/KnowledgeApi.js"
import { LeadsApi } from "./groups/leads/LeadsApi.js"
import { MembersApi } from "./groups/members/MembersApi.js"
import { ProductsApi } from "./groups/products/ProductsApi.js"
import { ResearchApi } from "./groups/research/ResearchApi.js"
import { SystemApi } from "./groups/system/SystemApi.js"

/** The whole HTTP contract; clients derive a typed client with `HttpApiClient.make(LeadforgeApi)`. */
export class LeadforgeApi extends HttpApi.make("leadforge")
  .add(HealthApi)
  .add(SystemApi)
  .add(LeadsApi)
  .add(ContactsApi)
  .add(ActivitiesApi)
  .add(AuditApi)
  .add(KeysApi)
  .add(AuthApi)
  .add(MembersApi)
  .add(CampaignsApi)
  .add(ProductsApi)
  .add(KnowledgeApi)
  .add(EnrichmentApi)
  .add(ResearchApi)
  .addError(Problems.BadRequest)
  .addError(Problems.Unauthorized)
  .addError(Problems.Forbidden)
  .addError(Problems.NotFound)
  .addError(Problems.Conflict)
  .addError(Problems.PreconditionFailed)
  .addError(Problems.PayloadTooLarge)
  .addError(Problems.UnsupportedMediaType)
  .addError(Problems.Unprocessable)
  .addError(Problems.PreconditionRequired)
  .addError(Problems.TooManyRequests)
  .addError(Problems.InternalError)
  .addError(Problems.ServiceUnavailable)
  .annotateContext(
    OpenApi.annotations({
      title: "Leadforge API",
      version: "0.1.0",
      description:
        "Leads, contacts, activities and audit. Errors are RFC 9457 problem+json with a stable `code`. " +
        "Every /api/v1 route but sign-in needs a credential: an API key (`Authorization: Bearer lf_…`), an access " +
        "token (`Authorization: Bearer <JWT>`) or the session cookie from POST /api/v1/auth/session.",
      license: { name: "MIT", url: "https://opensource.org/licenses/MIT" },
      // Relative to where this document is served, so it holds for any host and port the server is started on.
      servers: [{ url: "/", description: "The server that serves this document" }]
    })
  ) {}
