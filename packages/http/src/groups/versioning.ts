import { HttpApp, HttpServerResponse } from "@effect/platform"
import { Effect } from "effect"
import { PreconditionRequired, problemBody, Unprocessable } from "../contract/Problems.js"

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
