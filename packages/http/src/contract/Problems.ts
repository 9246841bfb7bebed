import * as HttpApiSchema from "@effect/platform/HttpApiSchema"
import { Schema } from "effect"

/** One failing input: a dotted path into the request (body, query or path), a stable code, and why. */
export class FieldError extends Schema.Class<FieldError>("FieldError")({
  field: Schema.String,
  code: Schema.String,
  message: Schema.String
}) {}

/**
 * RFC 9457 problem details. `type` is a relative URI naming the problem; `code` is the stable,
 * machine-readable identifier clients should branch on; `errors` lists every failing field.
 */
const problemFields = {
  type: Schema.String,
  title: Schema.String,
  status: Schema.Int,
  detail: Schema.String,
  code: Schema.String,
  instance: Schema.optional(Schema.String),
  requestId: Schema.optional(Schema.String),
  errors: Schema.optional(Schema.Array(FieldError)),
  /** For 409: the id of the record that already holds the identity. */
  existingId: Schema.optional(Schema.String),
  /** For 412: the version the record is at now. */
  currentVersion: Schema.optional(Schema.Int),
  /** For 429: seconds until a request would be allowed. */
  retryAfter: Schema.optional(Schema.Int)
}

export const PROBLEM_CONTENT_TYPE = "application/problem+json"

const problem = <A>(status: number, identifier: string): Schema.Annotations.Schema<A> =>
  ({
    ...HttpApiSchema.annotations<A>({ status, identifier }),
    [HttpApiSchema.AnnotationEncoding]: { kind: "Json", contentType: PROBLEM_CONTENT_TYPE }
  }) as Schema.Annotations.Schema<A>

export class BadRequest extends Schema.TaggedError<BadRequest>()(
  "BadRequest",
  problemFields,
  problem<BadRequest>(400, "BadRequest")
) {}
export class Unauthorized extends Schema.TaggedError<Unauthorized>()(
  "Unauthorized",
  problemFields,
  problem<Unauthorized>(401, "Unauthorized")
) {}
export class Forbidden extends Schema.TaggedError<Forbidden>()(
  "Forbidden",
  problemFields,
  problem<Forbidden>(403, "Forbidden")
) {}
export class NotFound extends Schema.TaggedError<NotFound>()(
  "NotFound",
  problemFields,
  problem<NotFound>(404, "NotFound")
) {}
export class Conflict extends Schema.TaggedError<Conflict>()(
  "Conflict",
  problemFields,
  problem<Conflict>(409, "Conflict")
) {}
export class PreconditionFailed extends Schema.TaggedError<PreconditionFailed>()(
  "PreconditionFailed",
  problemFields,
  problem<PreconditionFailed>(412, "PreconditionFailed")
) {}
export class PayloadTooLarge extends Schema.TaggedError<PayloadTooLarge>()(
  "PayloadTooLarge",
  problemFields,
  problem<PayloadTooLarge>(413, "PayloadTooLarge")
) {}
export class UnsupportedMediaType extends Schema.TaggedError<UnsupportedMediaType>()(
  "UnsupportedMediaType",
  problemFields,
  problem<UnsupportedMediaType>(415, "UnsupportedMediaType")
) {}
export class Unprocessable extends Schema.TaggedError<Unprocessable>()(
  "Unprocessable",
  problemFields,
  problem<Unprocessable>(422, "Unprocessable")
) {}
export class PreconditionRequired extends Schema.TaggedError<PreconditionRequired>()(
  "PreconditionRequired",
  problemFields,
  problem<PreconditionRequired>(428, "PreconditionRequired")
) {}
export class TooManyRequests extends Schema.TaggedError<TooManyRequests>()(
  "TooManyRequests",
  problemFields,
  problem<TooManyRequests>(429, "TooManyRequests")
) {}
export class InternalError extends Schema.TaggedError<InternalError>()(
  "InternalError",
  problemFields,
  problem<InternalError>(500, "InternalError")
) {}
export class ServiceUnavailable extends Schema.TaggedError<ServiceUnavailable>()(
  "ServiceUnavailable",
  problemFields,
  problem<ServiceUnavailable>(503, "ServiceUnavailable")
) {}

export type ProblemInput = {
  readonly detail: string
  readonly code: string
  readonly errors?: ReadonlyArray<FieldError>
  readonly existingId?: string
  readonly currentVersion?: number
  readonly retryAfter?: number
}

const titles = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  412: "Precondition Failed",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  428: "Precondition Required",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable"
} as const

/** The RFC 9457 members for a status; `type` is `/problems/<code>` so every code has its own URI. */
export const problemBody = (status: keyof typeof titles, input: ProblemInput) => ({
  type: `/problems/${input.code}`,
  title: titles[status],
  status,
  ...input
})
