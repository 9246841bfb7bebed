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

/**
 * A problem as server code sees it is a tagged error, so that handlers can `yield*` it and clients can `catchTag` it.
 * On the wire it is plain RFC 9457 problem details: `_tag` is an internal name and is not sent. The contract declares
 * each class through `wire`: the problem's members without `_tag`, served as application/problem+json with the
 * problem's status; decoding (in the typed client) puts the tag back, so a client still gets an instance of the
 * class. There is one problem class per status, so the status names the class.
 */
export const wire = <Self extends { readonly _tag: string }, Fields extends Schema.Struct.Fields, I>(
  cls: Schema.Schema<Self, I> & (new (props: Schema.Struct.Type<Fields>) => Self),
  identifier: string,
  fields: Fields,
  annotations: Schema.Annotations.Schema<Self>
) => {
  const names = Object.keys(fields)
  return Schema.transform(Schema.Struct(fields).annotations({ identifier }), Schema.typeSchema(cls), {
    strict: false,
    decode: (members) => new cls(members as Schema.Struct.Type<Fields>),
    encode: (error) => {
      const members = error as unknown as Record<string, unknown>
      return Object.fromEntries(names.filter((name) => name in members).map((name) => [name, members[name]]))
    }
  }).annotations(annotations)
}

const problem = <A>(status: number): Schema.Annotations.Schema<A> => ({
  ...HttpApiSchema.annotations<A>({ status }),
  [HttpApiSchema.AnnotationEncoding]: { kind: "Json", contentType: PROBLEM_CONTENT_TYPE }
})

export class BadRequest extends Schema.TaggedError<BadRequest>()("BadRequest", problemFields) {}
export class Unauthorized extends Schema.TaggedError<Unauthorized>()("Unauthorized", problemFields) {}
export class Forbidden extends Schema.TaggedError<Forbidden>()("Forbidden", problemFields) {}
export class NotFound extends Schema.TaggedError<NotFound>()("NotFound", problemFields) {}
export class Conflict extends Schema.TaggedError<Conflict>()("Conflict", problemFields) {}
export class PreconditionFailed extends Schema.TaggedError<PreconditionFailed>()("PreconditionFailed", problemFields) {}
export class PayloadTooLarge extends Schema.TaggedError<PayloadTooLarge>()("PayloadTooLarge", problemFields) {}
export class UnsupportedMediaType extends Schema.TaggedError<UnsupportedMediaType>()(
  "UnsupportedMediaType",
  problemFields
) {}
export class Unprocessable extends Schema.TaggedError<Unprocessable>()("Unprocessable", problemFields) {}
export class PreconditionRequired extends Schema.TaggedError<PreconditionRequired>()(
  "PreconditionRequired",
  problemFields
) {}
export class TooManyRequests extends Schema.TaggedError<TooManyRequests>()("TooManyRequests", problemFields) {}
export class InternalError extends Schema.TaggedError<InternalError>()("InternalError", problemFields) {}
export class ServiceUnavailable extends Schema.TaggedError<ServiceUnavailable>()("ServiceUnavailable", problemFields) {}

/** The wire schema of each problem class, as the contract adds it (`.addError(Problems.BadRequest)`). */
export const Problems = {
  BadRequest: wire(BadRequest, "BadRequest", problemFields, problem(400)),
  Unauthorized: wire(Unauthorized, "Unauthorized", problemFields, problem(401)),
  Forbidden: wire(Forbidden, "Forbidden", problemFields, problem(403)),
  NotFound: wire(NotFound, "NotFound", problemFields, problem(404)),
  Conflict: wire(Conflict, "Conflict", problemFields, problem(409)),
  PreconditionFailed: wire(PreconditionFailed, "PreconditionFailed", problemFields, problem(412)),
  PayloadTooLarge: wire(PayloadTooLarge, "PayloadTooLarge", problemFields, problem(413)),
  UnsupportedMediaType: wire(UnsupportedMediaType, "UnsupportedMediaType", problemFields, problem(415)),
  Unprocessable: wire(Unprocessable, "Unprocessable", problemFields, problem(422)),
  PreconditionRequired: wire(PreconditionRequired, "PreconditionRequired", problemFields, problem(428)),
  TooManyRequests: wire(TooManyRequests, "TooManyRequests", problemFields, problem(429)),
  InternalError: wire(InternalError, "InternalError", problemFields, problem(500)),
  ServiceUnavailable: wire(ServiceUnavailable, "ServiceUnavailable", problemFields, problem(503))
} as const

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
