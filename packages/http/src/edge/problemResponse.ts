import { HttpServerResponse } from "@effect/platform"
import { PROBLEM_CONTENT_TYPE, type ProblemInput, problemBody } from "../contract/Problems.js"

/** A problem+json response, for the answers the edge steps give themselves. */
export const problemResponse = (
  status: Parameters<typeof problemBody>[0],
  input: ProblemInput,
  headers: Record<string, string> = {}
) =>
  HttpServerResponse.unsafeJson(problemBody(status, input), {
    status,
    contentType: PROBLEM_CONTENT_TYPE,
    headers
  })
