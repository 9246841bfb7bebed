import { HttpApiBuilder } from "@effect/platform"
import { type ApiKey, issueApiKey, listApiKeys, revokeApiKey } from "@leadforge/domain"
import { Effect, Redacted } from "effect"
import { LeadforgeApi } from "../../Api.js"
import { ApiKeyCache } from "../../auth/ApiKeyCache.js"
import { Forbidden, problemBody } from "../../contract/Problems.js"
import { CurrentPrincipal } from "../../contract/Security.js"
import { useCaseContext } from "../caller.js"
import { mapDomainErrors, notFound } from "../domainErrors.js"
import { ApiKeyView, CreatedApiKey } from "./KeysApi.js"

const requireAdmin = Effect.flatMap(CurrentPrincipal, (principal) =>
  principal.role === "admin"
    ? Effect.succeed(principal)
    : Effect.fail(new Forbidden(problemBody(403, { code: "forbidden", detail: "only an admin key can manage keys" })))
)

const view = (key: ApiKey) =>
  new ApiKeyView({
    id: key.id,
    name: key.name,
    role: key.role,
    prefix: key.prefix,
    createdAt: key.createdAt,
    lastUsedAt: key.lastUsedAt,
    revokedAt: key.revokedAt
  })

export const KeysHttp = HttpApiBuilder.group(LeadforgeApi, "keys", (handlers) =>
  handlers
    .handle("create", ({ payload }) =>
      Effect.gen(function* () {
        yield* requireAdmin
        const { record, key } = yield* issueApiKey(yield* useCaseContext, { name: payload.name, role: payload.role })
        return new CreatedApiKey({ ...view(record), key: Redacted.value(key) })
      }).pipe(mapDomainErrors)
    )
    .handle("list", () =>
      Effect.gen(function* () {
        yield* requireAdmin
        const keys = yield* listApiKeys(yield* useCaseContext)
        return { items: keys.map(view) }
      }).pipe(mapDomainErrors)
    )
    .handle("revoke", ({ path }) =>
      Effect.gen(function* () {
        yield* requireAdmin
        const cache = yield* ApiKeyCache
        yield* revokeApiKey(yield* useCaseContext, path.id).pipe(
          // this server stops accepting the key at once (other processes within API_KEY_CACHE_SECONDS), also when
          // it was revoked elsewhere first
          Effect.ensuring(Effect.sync(() => cache.forget(path.id))),
          Effect.catchTag("EntityNotFound", () => Effect.fail(notFound("api_key", path.id)))
        )
      }).pipe(mapDomainErrors)
    )
)
