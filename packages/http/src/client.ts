import { FetchHttpClient, HttpApiClient, HttpClient, HttpClientRequest } from "@effect/platform"
import { Effect, Redacted } from "effect"
import { LeadforgeApi } from "./Api.js"

/**
 * A typed client for a Leadforge server, derived from the contract, sending `apiKey` as the bearer
 * token (over fetch).
 */
export const makeClient = (options: { readonly baseUrl: string; readonly apiKey: string | Redacted.Redacted }) =>
  HttpApiClient.make(LeadforgeApi, {
    baseUrl: options.baseUrl,
    transformClient: HttpClient.mapRequest(
      HttpClientRequest.bearerToken(
        typeof options.apiKey === "string" ? options.apiKey : Redacted.value(options.apiKey)
      )
    )
  }).pipe(Effect.provide(FetchHttpClient.layer))

export type LeadforgeClient = Effect.Effect.Success<ReturnType<typeof makeClient>>
