import { HttpApiBuilder } from "@effect/platform"
import { SystemProbe } from "@leadforge/domain"
import { Effect } from "effect"
import { LeadforgeApi } from "../../Api.js"
import { mapDomainErrors } from "../domainErrors.js"
import { ServerStatus } from "./SystemApi.js"

export const SystemHttp = HttpApiBuilder.group(LeadforgeApi, "system", (handlers) =>
  handlers.handle("status", () =>
    Effect.gen(function* () {
      const probe = yield* SystemProbe
      return new ServerStatus({
        version: probe.version,
        environment: probe.environment,
        uptimeSeconds: Math.round((Date.now() - probe.startedAt) / 1000),
        adapters: { database: probe.backends.database, vectors: probe.backends.vectors, llm: probe.backends.llm },
        migrationLevel: yield* probe.migrationLevel
      })
    }).pipe(mapDomainErrors)
  )
)
