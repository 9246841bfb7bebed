import type {
  ContactNotFound,
  DuplicateContact,
  DuplicateLead,
  EntityNotFound,
  IllegalStatusTransition,
  InvalidMerge,
  LeadNotFound,
  Unavailable,
  UniqueConflict,
  ValidationFailed,
  VersionConflict
} from "@leadforge/domain"
import { Effect } from "effect"
import {
  Conflict,
  FieldError,
  NotFound,
  PreconditionFailed,
  problemBody,
  ServiceUnavailable,
  Unprocessable
} from "../contract/Problems.js"

export type DomainError =
  | ValidationFailed
  | LeadNotFound
  | ContactNotFound
  | EntityNotFound
  | DuplicateLead
  | DuplicateContact
  | UniqueConflict
  | VersionConflict
  | InvalidMerge
  | IllegalStatusTransition
  | Unavailable

export type DomainProblem = Unprocessable | NotFound | Conflict | PreconditionFailed | ServiceUnavailable

/** Maps a domain error to its problem: the stable code comes from the domain error itself. */
export const toProblem = (error: DomainError): DomainProblem => {
  switch (error._tag) {
    case "ValidationFailed":
      return new Unprocessable(
        problemBody(422, {
          code: error.code,
          detail: `invalid ${error.entity}: ${error.issues.length} field(s) failed validation`,
          errors: error.issues.map((i) => new FieldError({ field: i.field, code: i.code, message: i.message }))
        })
      )
    case "LeadNotFound":
    case "ContactNotFound":
    case "EntityNotFound":
      return new NotFound(problemBody(404, { code: error.code, detail: error.message }))
    case "DuplicateLead":
      return new Conflict(
        problemBody(409, { code: error.code, detail: error.message, existingId: error.existingLeadId })
      )
    case "DuplicateContact":
      return new Conflict(
        problemBody(409, {
          code: error.code,
          detail: `a contact with this email already exists: ${error.existingContactId}`,
          existingId: error.existingContactId
        })
      )
    case "UniqueConflict":
      return new Conflict(problemBody(409, { code: error.code, detail: error.message, existingId: error.existingId }))
    case "VersionConflict":
      return new PreconditionFailed(
        problemBody(412, { code: error.code, detail: error.message, currentVersion: error.actualVersion })
      )
    case "InvalidMerge":
    case "IllegalStatusTransition":
      return new Unprocessable(problemBody(422, { code: error.code, detail: error.message }))
    case "Unavailable":
      return new ServiceUnavailable(
        problemBody(503, { code: error.code, detail: `${error.service} is unavailable; retry later` })
      )
  }
}

const domainTags = new Set<string>([
  "ValidationFailed",
  "LeadNotFound",
  "ContactNotFound",
  "EntityNotFound",
  "DuplicateLead",
  "DuplicateContact",
  "UniqueConflict",
  "VersionConflict",
  "InvalidMerge",
  "IllegalStatusTransition",
  "Unavailable"
])

const isDomainError = (error: unknown): error is DomainError =>
  typeof error === "object" && error !== null && "_tag" in error && domainTags.has(String(error._tag))

/** Turns the domain errors of `effect` into problems; problems already raised pass through. */
export const mapDomainErrors = <A, E, R>(
  effect: Effect.Effect<A, E, R>
): Effect.Effect<A, Exclude<E, DomainError> | DomainProblem, R> =>
  Effect.mapError(effect, (error) => (isDomainError(error) ? toProblem(error) : (error as Exclude<E, DomainError>)))

export const notFound = (entity: string, id: string) =>
  new NotFound(problemBody(404, { code: `${entity}_not_found`, detail: `no ${entity} with id ${id}` }))
