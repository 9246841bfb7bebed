import type * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import { csrfTokenFor } from "@leadforge/domain"
import { CSRF_HEADER } from "../contract/Security.js"

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"])

export const isSafeMethod = (method: string) => SAFE_METHODS.has(method)

/** The origin (`scheme://host[:port]`) of an Origin or Referer header, or undefined when it has none. */
const originOf = (value: string | undefined): string | undefined => {
  if (value === undefined || value === "" || value === "null") return undefined
  try {
    return new URL(value).origin
  } catch {
    return undefined
  }
}

/** Whether two strings are equal, in time that depends on their length only. */
const sameText = (a: string, b: string) => {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}

/**
 * Why an unsafe request under a session cookie is refused, or undefined to let it through (OWASP's CSRF cheat
 * sheet: the request's Origin, else its Referer, must be this server's own or a trusted one; and the header must
 * carry the session's CSRF token, which a cross-site page cannot read).
 */
export const csrfRefusal = (
  request: HttpServerRequest.HttpServerRequest,
  sessionToken: string,
  trustedOrigins: ReadonlyArray<string>
): string | undefined => {
  if (isSafeMethod(request.method)) return undefined
  const origin = originOf(request.headers.origin) ?? originOf(request.headers.referer)
  if (origin === undefined) {
    return "a request that changes data under a session cookie must send an Origin (or Referer) header"
  }
  const host = request.headers.host
  const own = host === undefined ? [] : [`http://${host}`, `https://${host}`]
  if (!own.includes(origin) && !trustedOrigins.includes(origin)) {
    return `cross-site request refused: origin ${origin} is not this server's`
  }
  const token = request.headers[CSRF_HEADER]
  if (token === undefined || token === "") {
    return "a request that changes data under a session cookie must send the session's X-CSRF-Token header"
  }
  if (!sameText(token, csrfTokenFor(sessionToken))) return "the X-CSRF-Token header does not match the session"
  return undefined
}
