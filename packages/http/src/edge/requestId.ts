import { randomUUID } from "node:crypto"
import type { HttpServerRequest } from "@effect/platform"
import { type Effect, FiberRef, HashMap } from "effect"

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

/** The caller's X-Request-Id when it is a sane one, else a fresh UUID. */
export const requestIdOf = (request: HttpServerRequest.HttpServerRequest): string => {
  const given = request.headers["x-request-id"]
  return given !== undefined && REQUEST_ID.test(given) ? given : randomUUID()
}

/**
 * The fiber serves this one request, so its logs carry the request id from here on (a scoped annotation would copy
 * and restore the annotations around the request: several more fiber-local writes).
 */
export const annotateRequestId = (requestId: string): Effect.Effect<void> =>
  FiberRef.update(FiberRef.currentLogAnnotations, HashMap.set("requestId", requestId as unknown))
