import { HttpApiBuilder, HttpApiError, type HttpApp } from "@effect/platform"
import { fieldIssueOf, Unavailable } from "@leadforge/domain"
import { Effect } from "effect"
import { LeadforgeApi } from "../Api.js"
import { BadRequest, FieldError, problemBody, ServiceUnavailable } from "../contract/Problems.js"

/** One error per field path: a union reports one issue per member, and the first one reads best. */
const fieldErrors = (issues: HttpApiError.HttpApiDecodeError["issues"]) => {
  const byField = new Map<string, FieldError>()
  for (const issue of issues) {
    const { field, code, message } = fieldIssueOf(issue)
    if (!byField.has(field)) byField.set(field, new FieldError({ field, code, message }))
  }
  // A union member may fail at a field and another inside it ("tags" and "tags.0"): keep the specific one.
  const fields = [...byField.keys()]
  return [...byField.values()].filter((e) => !fields.some((f) => f.startsWith(`${e.field}.`)))
}

/** A backing service the adapters reported as unavailable, as a defect rather than a typed failure: 503 too. */
const isUnavailable = (defect: unknown): defect is Unavailable => defect instanceof Unavailable

/** Schema decode failures (path, query, headers, body) become 400 problems listing every field. */
export const EdgeErrors = HttpApiBuilder.middleware(
  LeadforgeApi,
  (app) =>
    (app as HttpApp.Default<unknown>).pipe(
      Effect.catchIf(
        (error): error is HttpApiError.HttpApiDecodeError => error instanceof HttpApiError.HttpApiDecodeError,
        (error) =>
          Effect.fail(
            new BadRequest(
              problemBody(400, {
                code: "invalid_request",
                detail: "the request is invalid; see errors for every failing field",
                errors: fieldErrors(error.issues)
              })
            )
          )
      ),
      Effect.catchAllDefect((defect) =>
        isUnavailable(defect)
          ? Effect.logWarning(`${defect.service} unavailable`, defect.reason).pipe(
              Effect.zipRight(
                Effect.fail(
                  new ServiceUnavailable(
                    problemBody(503, { code: "unavailable", detail: `${defect.service} is unavailable; retry later` })
                  )
                )
              )
            )
          : Effect.die(defect)
      )
    ) as HttpApp.Default<BadRequest | ServiceUnavailable>
)
