import { HttpApp, HttpServerResponse } from "@effect/platform"
import { Actor, type UseCaseContext } from "@leadforge/domain"
import { Effect } from "effect"
import { PreconditionRequired, problemBody, Unprocessable } from "../api/Problems.js"
import { CurrentPrincipal } from "../api/Security.js"

/** The use-case context of the calling key: its organization, and the key as the actor. */
export const useCaseContext: Effect.Effect<UseCaseContext, never, CurrentPrincipal> = Effect.map(
  CurrentPrincipal,
  (principal) => ({
    organizationId: principal.organizationId,
    // the principal was resolved from a stored key: no need to validate it again on every request
    actor: new Actor({ type: "api_key", id: principal.keyId }, true)
  })
)

const IF_MATCH = /^(?:W\/)?"?(\d+)"?$/

/** The expected version from If-Match or the body; required for updates so no write is lost. */
export const expectedVersion = (ifMatch: string | undefined, bodyVersion: number | undefined, required: boolean) => {
  if (ifMatch !== undefined) {
    const match = IF_MATCH.exec(ifMatch.trim())
    if (match === null) {
      return Effect.fail(
        new Unprocessable(
          problemBody(422, { code: "invalid_if_match", detail: 'If-Match must be a version such as "3"' })
        )
      )
    }
    return Effect.succeed(Number(match[1]))
  }
  if (bodyVersion !== undefined) return Effect.succeed(bodyVersion)
  return required
    ? Effect.fail(
        new PreconditionRequired(
          problemBody(428, {
            code: "precondition_required",
            detail: 'send If-Match: "<version>" (or "version" in the body) with the version you read'
          })
        )
      )
    : Effect.succeed(undefined)
}

/** Puts the record's version in an ETag so a client can send it back in If-Match. */
export const withEtag = (version: number) =>
  HttpApp.appendPreResponseHandler((_request, response) =>
    Effect.succeed(HttpServerResponse.setHeader(response, "etag", `"${version}"`))
  )
