import * as HttpApiMiddleware from "@effect/platform/HttpApiMiddleware"
import * as HttpApiSecurity from "@effect/platform/HttpApiSecurity"
import * as OpenApi from "@effect/platform/OpenApi"
import type { ApiKeyId, OrganizationId, Role } from "@leadforge/domain"
import { Context, Schema } from "effect"
import { Problems } from "./Problems.js"

/** Who is calling: learned from the API key, never from the request. */
export interface Principal {
  readonly organizationId: OrganizationId
  readonly keyId: ApiKeyId
  readonly role: Role
}

export class CurrentPrincipal extends Context.Tag("@leadforge/http/CurrentPrincipal")<CurrentPrincipal, Principal>() {}

/** `Authorization: Bearer lf_…` on every /api/v1 route; viewers may only read. */
export class Authentication extends HttpApiMiddleware.Tag<Authentication>()("Authentication", {
  failure: Schema.Union(Problems.Unauthorized, Problems.Forbidden, Problems.ServiceUnavailable),
  provides: CurrentPrincipal,
  security: {
    bearer: HttpApiSecurity.bearer.pipe(
      HttpApiSecurity.annotate(OpenApi.Description, "An API key: `lf_` followed by 43 URL-safe characters.")
    )
  }
}) {}
