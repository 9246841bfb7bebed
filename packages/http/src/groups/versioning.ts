import { HttpApp, HttpServerResponse } from "@effect/platform"
import { INT4_MAX } from "@leadforge/domain"
import { Effect } from "effect"
import { PreconditionFailed, PreconditionRequired, problemBody } from "../contract/Problems.js"

const IF_MATCH = /^(?:W\/)?"?(\d+)"?$/

/** The version an If-Match names, or undefined when it names none a record can have (versions are int4, from 1). */
const versionOf = (ifMatch: string): number | undefined => {
  const match = IF_MATCH.exec(ifMatch.trim())
  if (match === null) return undefined
  const version = Number(match[1])
  return version >= 1 && version <= INT4_MAX ? version : undefined
}

/**
 * The expected version from If-Match or the body; required for updates so no write is lost. An If-Match that names
 * no version a record can have ("stale-version", 2147483648) matches no current representation, so the
 * precondition fails: 412, whatever its content (RFC 9110 §13.1.1).
 */
export const expectedVersion = (ifMatch: string | undefined, bodyVersion: number | undefined, required: boolean) => {
  if (ifMatch !== undefined) {
    const version = versionOf(ifMatch)
    if (version === undefined) {
      return Effect.fail(
        new PreconditionFailed(
          problemBody(412, {
            code: "precondition_failed",
            detail: 'If-Match names no version of this record; send the ETag you read, such as "3"'
          })
        )
      )
    }
    return Effect.succeed(version)
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
