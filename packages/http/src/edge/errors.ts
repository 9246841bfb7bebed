import { HttpApiBuilder, HttpApiError, type HttpApp, HttpServerRequest } from "@effect/platform"
import {
  type ContactFields,
  type FieldIssue,
  fieldIssueOf,
  leadRuleIssues,
  Unavailable,
  validateContact
} from "@leadforge/domain"
import { Effect } from "effect"
import { LeadforgeApi } from "../Api.js"
import { BadRequest, FieldError, problemBody, ServiceUnavailable } from "../contract/Problems.js"

/** One error per field path: a union reports one issue per member, and the first one reads best. */
const fieldErrors = (issues: ReadonlyArray<FieldIssue>) => {
  const byField = new Map<string, FieldError>()
  for (const { field, code, message } of issues) {
    if (!byField.has(field)) byField.set(field, new FieldError({ field, code, message }))
  }
  // A union member may fail at a field and another inside it ("tags" and "tags.0"): keep the specific one.
  const parents = new Set<string>()
  for (const field of byField.keys()) {
    for (let dot = field.indexOf("."); dot !== -1; dot = field.indexOf(".", dot + 1)) parents.add(field.slice(0, dot))
  }
  return [...byField.values()].filter((e) => !parents.has(e.field))
}

/** At most this many failing fields are listed in one response; the detail says how many there were. */
export const MAX_LISTED_ERRORS = 100

const invalidRequest = (errors: ReadonlyArray<FieldError>) =>
  problemBody(400, {
    code: "invalid_request",
    detail:
      errors.length <= MAX_LISTED_ERRORS
        ? "the request is invalid; see errors for every failing field"
        : `the request is invalid: ${errors.length} fields failed; errors lists the first ${MAX_LISTED_ERRORS}`,
    errors: errors.slice(0, MAX_LISTED_ERRORS)
  })

const LEAD = /^\/api\/v1\/leads\/[^/]+$/
const CONTACTS = /^\/api\/v1\/leads\/[^/]+\/contacts$/

/** The fields of raw contact input that are text or null: what the contact rules can read whatever the rest holds. */
const contactText = (raw: Record<string, unknown>): ContactFields => {
  const fields: Record<string, string | null> = {}
  for (const [name, value] of Object.entries(raw)) {
    if (name !== "source" && (typeof value === "string" || value === null)) fields[name] = value
  }
  return fields as ContactFields
}

/**
 * The rules the use case would apply to a body, run over the body as sent when its schema failed, so that one 400
 * names every failing field (the schema's and the rules'): a lead's name and domain, a new contact's details.
 * (Once the schema passes, the use case runs the rules itself and reports all of theirs together, as 422.)
 */
const ruleIssues = (request: HttpServerRequest.HttpServerRequest): Effect.Effect<ReadonlyArray<FieldIssue>> => {
  const path = request.url.split("?")[0] ?? ""
  const rules =
    request.method === "POST" && path === "/api/v1/leads"
      ? (body: Record<string, unknown>) => leadRuleIssues(body, false)
      : request.method === "PATCH" && LEAD.test(path)
        ? (body: Record<string, unknown>) => leadRuleIssues(body, true)
        : request.method === "POST" && CONTACTS.test(path)
          ? (body: Record<string, unknown>) => {
              const validation = validateContact(contactText(body))
              return validation.status === "invalid" ? validation.issues : []
            }
          : undefined
  if (rules === undefined) return Effect.succeed([])
  return request.json.pipe(
    Effect.map((body) =>
      typeof body === "object" && body !== null && !Array.isArray(body) ? rules(body as Record<string, unknown>) : []
    ),
    Effect.orElseSucceed(() => [])
  )
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
          Effect.flatMap(HttpServerRequest.HttpServerRequest, ruleIssues).pipe(
            Effect.flatMap((rules) =>
              Effect.fail(new BadRequest(invalidRequest(fieldErrors([...error.issues.map(fieldIssueOf), ...rules]))))
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
