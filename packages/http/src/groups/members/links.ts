import type { HttpServerRequest } from "@effect/platform/HttpServerRequest"

/**
 * A console link carrying a one-time token in its fragment (`https://host/invitation#lfi_…`): browsers never send
 * the fragment, so the token reaches no access log or proxy. The origin is the one the request was made to.
 */
export const linkTo = (request: HttpServerRequest, page: "invitation" | "reset-password", token: string) => {
  const scheme = request.headers["x-forwarded-proto"] === "https" ? "https" : "http"
  return `${scheme}://${request.headers.host ?? "localhost"}/${page}#${token}`
}
