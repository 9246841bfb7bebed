import { HttpApiBuilder, HttpApp, HttpServerResponse } from "@effect/platform"
import type { HttpServerRequest } from "@effect/platform/HttpServerRequest"
import { Duration, Effect } from "effect"
import { SESSION_COOKIE, sessionCookie } from "../../contract/Security.js"

/** The hostname of a Host header (`[::1]:8080` → `::1`). */
const hostnameOf = (host: string | undefined) => {
  if (host === undefined) return ""
  if (host.startsWith("[")) return host.slice(1, host.indexOf("]"))
  return host.split(":")[0]!.toLowerCase()
}

const isLoopback = (hostname: string) =>
  hostname === "localhost" ||
  hostname.endsWith(".localhost") ||
  hostname === "::1" ||
  /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)

/**
 * Whether the cookie gets `Secure`: always, except for a plain-HTTP server on localhost (where browsers would not
 * send a Secure cookie back). A proxy that terminates TLS says so with `X-Forwarded-Proto: https`.
 */
export const secureCookie = (request: HttpServerRequest) =>
  request.headers["x-forwarded-proto"] === "https" || !isLoopback(hostnameOf(request.headers.host))

/** Sets the session cookie on the response: HttpOnly, SameSite=Lax, Path=/, living as long as the session may. */
export const setSessionCookie = (request: HttpServerRequest, token: string, lifetimeMs: number) =>
  HttpApiBuilder.securitySetCookie(sessionCookie, token, {
    httpOnly: true,
    sameSite: "lax",
    secure: secureCookie(request),
    path: "/",
    maxAge: Duration.millis(lifetimeMs)
  })

/** Tells the browser to drop the cookie. */
export const clearSessionCookie = (request: HttpServerRequest) =>
  HttpApp.appendPreResponseHandler((_request, response) =>
    Effect.orDie(
      HttpServerResponse.setCookie(response, SESSION_COOKIE, "", {
        httpOnly: true,
        sameSite: "lax",
        secure: secureCookie(request),
        path: "/",
        maxAge: Duration.zero
      })
    )
  )
