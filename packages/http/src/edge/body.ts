import { HttpServerRequest, type HttpServerResponse } from "@effect/platform"
import { Effect, Either, Option } from "effect"
import { clip, MAX_JSON_DEPTH, nestsDeeperThan, unsafeBodyFields, unsafeQueryFields } from "./input.js"
import { problemResponse } from "./problemResponse.js"

const BODY_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"])
/**
 * The one media type the API reads: application/json, with optional parameters. Every other type (the
 * `application/*+json` family included, which the API's body decoder does not read) gets 415 before the body is read.
 */
const JSON_TYPE = /^application\/json\s*(?:;.*)?$/i

/** Only writes to the API carry a body worth checking; reads skip the body check entirely. */
export const hasBody = (request: HttpServerRequest.HttpServerRequest): boolean =>
  BODY_METHODS.has(request.method) && request.url.startsWith("/api/")

const invalidText = (errors: ReturnType<typeof unsafeBodyFields>) =>
  problemResponse(400, {
    code: "invalid_request",
    detail: "the request is invalid; see errors for every failing field",
    errors
  })

/** A 400 naming every query parameter that holds a NUL, or undefined when none does. */
export const checkQuery = (
  request: HttpServerRequest.HttpServerRequest
): HttpServerResponse.HttpServerResponse | undefined => {
  const errors = unsafeQueryFields(request.url)
  return errors.length === 0 ? undefined : invalidText(errors)
}

/**
 * For a POST, PUT, PATCH or DELETE to the API: Left(problem response) when the body is too large, not JSON,
 * malformed or too deeply nested JSON, or holds text that cannot be stored; Right(body text) to go on.
 */
export const checkBody = (
  request: HttpServerRequest.HttpServerRequest,
  limit: number
): Effect.Effect<Either.Either<string, HttpServerResponse.HttpServerResponse>> =>
  Effect.gen(function* () {
    const length = Number(request.headers["content-length"] ?? "0")
    const chunked = request.headers["transfer-encoding"] !== undefined
    if (Number.isFinite(length) && length > limit) {
      return Either.left(
        problemResponse(413, { code: "payload_too_large", detail: `the body exceeds the limit of ${limit} bytes` })
      )
    }
    if (length === 0 && !chunked) return Either.right("")
    const contentType = request.headers["content-type"] ?? ""
    if (!JSON_TYPE.test(contentType.trim())) {
      return Either.left(
        problemResponse(
          415,
          {
            code: "unsupported_media_type",
            detail: `send the body as application/json, not ${contentType === "" ? "without a content type" : clip(contentType)}`
          },
          // RFC 9110 §15.5.16: the media types the resource accepts
          { accept: "application/json" }
        )
      )
    }
    const text = yield* request.text.pipe(HttpServerRequest.withMaxBodySize(Option.some(limit)), Effect.either)
    if (text._tag === "Left") {
      return Either.left(
        problemResponse(413, { code: "payload_too_large", detail: `the body exceeds the limit of ${limit} bytes` })
      )
    }
    if (text.right.trim() === "") return Either.right(text.right)
    if (nestsDeeperThan(text.right, MAX_JSON_DEPTH)) {
      return Either.left(
        problemResponse(400, {
          code: "json_too_deep",
          detail: `the body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep`
        })
      )
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(text.right)
    } catch (error) {
      return Either.left(
        problemResponse(400, {
          code: "malformed_json",
          detail: `the body is not valid JSON: ${error instanceof Error ? clip(error.message, 200) : "parse error"}`
        })
      )
    }
    const unsafe = unsafeBodyFields(parsed)
    return unsafe.length === 0 ? Either.right(text.right) : Either.left(invalidText(unsafe))
  })
