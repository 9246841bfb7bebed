import * as http from "node:http"
import { AuditLog } from "@leadforge/domain"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { backends, type Person, postJson, type RunningServer, raw, startServer, TEST_PASSWORD } from "./support.js"

/**
 * Settings of this suite: a low lock threshold, so the lock is reached in a few calls, and a large bucket per
 * address, since every call comes from 127.0.0.1 (the address limit is shown by the use-case tests).
 */
const env = { SIGN_IN_LOCK_AFTER: "3", SIGN_IN_ACCOUNT_BURST: "12", SIGN_IN_ADDRESS_BURST: "1000" }

interface Signed {
  readonly response: Awaited<ReturnType<typeof raw>>
  readonly cookie: string
  readonly setCookie: string
  // biome-ignore lint/suspicious/noExplicitAny: raw JSON from the wire
  readonly body: any
}

const signIn = async (
  server: RunningServer,
  credentials: { readonly email: string; readonly password: string; readonly organizationId?: string },
  headers: Record<string, string> = {}
): Promise<Signed> => {
  const response = await raw(server, "/api/v1/auth/session", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(credentials)
  })
  const setCookie = response.headers.getSetCookie().find((c) => c.startsWith("leadforge_session=")) ?? ""
  return { response, setCookie, cookie: setCookie.split(";")[0]!, body: await response.json() }
}

/** A request with the session cookie; unsafe ones send this server's Origin and the CSRF token unless told not to. */
const withCookie = (
  server: RunningServer,
  session: Signed,
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string>; csrf?: boolean } = {}
) => {
  const method = init.method ?? "GET"
  const unsafe = method !== "GET" && init.csrf !== false
  return raw(server, path, {
    method,
    headers: {
      cookie: session.cookie,
      ...(init.body === undefined ? {} : { "content-type": "application/json" }),
      ...(unsafe ? { origin: server.baseUrl, "x-csrf-token": session.body.csrfToken } : {}),
      ...init.headers
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) })
  })
}

const auditOf = (server: RunningServer, organizationId: Person["organizationId"]) =>
  Effect.runPromise(Effect.flatMap(AuditLog, (log) => log.chain(organizationId)).pipe(Effect.provide(server.context)))

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`browser sessions over ${backend.name}`, () => {
    let server: RunningServer
    let member: Person

    beforeAll(async () => {
      const persistence = await backend.persistence()
      if (persistence === null) throw new Error(`no ${backend.name} database: set DATABASE_URL`)
      server = await startServer(persistence, { ...backend.env, ...env })
      member = await server.newPerson("member")
    })
    afterAll(() => server?.close())

    it("signs in: the cookie is HttpOnly, SameSite=Lax, Path=/, not Secure on plain-HTTP localhost", async () => {
      const signed = await signIn(server, { email: member.email.toUpperCase(), password: TEST_PASSWORD })
      expect(signed.response.status).toBe(201)
      expect(signed.body).toMatchObject({
        user: { id: member.userId, email: member.email },
        organization: { id: server.organizationId },
        role: "member",
        idleTimeoutSeconds: 12 * 3600
      })
      expect(signed.body.csrfToken).toMatch(/^[0-9a-f]{64}$/)
      expect(signed.cookie).toMatch(/^leadforge_session=lfs_[A-Za-z0-9_-]{43}$/)
      const attributes = signed.setCookie.split(";").map((a) => a.trim().toLowerCase())
      expect(attributes).toEqual(expect.arrayContaining(["httponly", "samesite=lax", "path=/", `max-age=${7 * 86400}`]))
      expect(attributes).not.toContain("secure")
      const text = JSON.stringify(signed.body)
      expect(text).not.toContain(signed.cookie.split("=")[1])
      expect(text).not.toContain(TEST_PASSWORD)
    })

    it("the cookie is Secure for any other host, and behind a TLS-terminating proxy", async () => {
      // fetch may not set Host, so this request goes through node:http
      const setCookieFor = (headers: Record<string, string>) =>
        new Promise<string>((resolve, reject) => {
          const body = JSON.stringify({ email: member.email, password: TEST_PASSWORD })
          const request = http.request(
            `${server.baseUrl}/api/v1/auth/session`,
            { method: "POST", headers: { "content-type": "application/json", ...headers } },
            (response) => {
              response.resume()
              expect(response.statusCode).toBe(201)
              resolve((response.headers["set-cookie"] ?? []).join("\n"))
            }
          )
          request.on("error", reject)
          request.end(body)
        })
      const attributes = (cookie: string) => cookie.split(";").map((a) => a.trim())
      expect(attributes(await setCookieFor({ host: "leads.example.com" }))).toContain("Secure")
      expect(attributes(await setCookieFor({ "x-forwarded-proto": "https" }))).toContain("Secure")
      expect(attributes(await setCookieFor({ host: `localhost:${server.port}` }))).not.toContain("Secure")
    })

    it("a session cookie works on every /api/v1 route with the member's role and organization; writes are audited as the user", async () => {
      const session = await signIn(server, { email: member.email, password: TEST_PASSWORD })
      expect((await withCookie(server, session, "/api/v1/leads")).status).toBe(200)
      const created = await withCookie(server, session, "/api/v1/leads", {
        method: "POST",
        body: { companyName: `Cookie Co ${crypto.randomUUID()}` }
      })
      expect(created.status).toBe(201)
      const lead = await created.json()
      const read = await raw(server, `/api/v1/leads/${lead.id}`, { key: server.adminKey })
      expect(read.status).toBe(200)
      const events = await auditOf(server, server.organizationId)
      const create = events.find((e) => e.entityType === "lead" && e.entityId === lead.id)
      expect(create?.actor).toMatchObject({ type: "user", id: member.userId })
      expect((await withCookie(server, session, "/api/v1/keys")).status).toBe(403)
    })

    it("CSRF: a write under the cookie needs this server's Origin and the session's token, else 403 saying why", async () => {
      const session = await signIn(server, { email: member.email, password: TEST_PASSWORD })
      const post = (headers: Record<string, string>) =>
        withCookie(server, session, "/api/v1/leads", {
          method: "POST",
          body: { companyName: "Csrf Inc" },
          headers,
          csrf: false
        })
      const cases: Array<[Record<string, string>, RegExp]> = [
        [{}, /Origin/],
        [{ origin: "https://evil.example" }, /cross-site request refused: origin https:\/\/evil\.example/],
        [{ referer: "https://evil.example/page" }, /cross-site/],
        [{ origin: server.baseUrl }, /X-CSRF-Token/],
        [{ origin: server.baseUrl, "x-csrf-token": "0".repeat(64) }, /does not match/],
        [{ origin: server.baseUrl, "x-csrf-token": session.body.csrfToken.slice(1) }, /does not match/]
      ]
      for (const [headers, why] of cases) {
        const response = await post(headers)
        expect(response.status, JSON.stringify(headers)).toBe(403)
        expect(response.headers.get("content-type")).toBe("application/problem+json")
        const problem = await response.json()
        expect(problem.code).toBe("csrf_rejected")
        expect(problem.detail).toMatch(why)
      }
      const other = await signIn(server, { email: member.email, password: TEST_PASSWORD })
      expect((await post({ origin: server.baseUrl, "x-csrf-token": other.body.csrfToken })).status).toBe(403)
      expect((await post({ origin: server.baseUrl, "x-csrf-token": session.body.csrfToken })).status).toBe(201)
      // a sign-in posted from another site's page is refused too
      const cross = await signIn(
        server,
        { email: member.email, password: TEST_PASSWORD },
        { origin: "https://evil.example" }
      )
      expect(cross.response.status).toBe(403)
      expect(cross.body.code).toBe("csrf_rejected")
      expect(cross.setCookie).toBe("")
    })

    it("an unknown email and a wrong password get the same answer", async () => {
      const unknown = await signIn(server, {
        email: `nobody-${crypto.randomUUID()}@example.com`,
        password: TEST_PASSWORD
      })
      const wrong = await signIn(server, { email: (await server.newPerson()).email, password: `${TEST_PASSWORD}!` })
      for (const answer of [unknown, wrong]) {
        expect(answer.response.status).toBe(401)
        expect(answer.setCookie).toBe("")
      }
      expect(unknown.body).toEqual(wrong.body)
      expect(unknown.body).toMatchObject({ code: "invalid_credentials", status: 401 })
      expect(JSON.stringify(unknown.body)).not.toMatch(/nobody|exist|unknown/i)
    })

    it("bad input names every failing field", async () => {
      const response = await postJson(server, "/api/v1/auth/session", "", { email: "", organizationId: "nope" })
      expect(response.status).toBe(400)
      const problem = await response.json()
      expect(problem.errors.map((e: { field: string }) => e.field).sort()).toEqual([
        "email",
        "organizationId",
        "password"
      ])
    })

    it("locks after repeated failures (even the right password is refused), audited; an admin unlocks", async () => {
      const person = await server.newPerson("member")
      const viewer = await server.newPerson("viewer")
      for (let i = 0; i < 3; i++) {
        expect(
          (await signIn(server, { email: person.email, password: "wrong password, try again" })).response.status
        ).toBe(401)
      }
      const locked = await signIn(server, { email: person.email, password: TEST_PASSWORD })
      expect(locked.response.status).toBe(401)
      expect(locked.body.code).toBe("invalid_credentials")
      const failures = (await auditOf(server, server.organizationId)).filter(
        (e) => e.entityId === person.userId && e.action === "sign_in_failed"
      )
      expect(failures.map((e) => e.details.reason)).toEqual([
        "wrong_password",
        "wrong_password",
        "wrong_password",
        "locked"
      ])
      expect(failures[2]!.details.lockedUntil).toBeTypeOf("string")
      expect(JSON.stringify(failures)).not.toContain("wrong password")

      const viewerSession = await signIn(server, { email: viewer.email, password: TEST_PASSWORD })
      expect(
        (await withCookie(server, viewerSession, `/api/v1/members/${person.userId}/unlock`, { method: "POST" })).status
      ).toBe(403)
      const other = await server.newOrganization("admin")
      expect(
        (await raw(server, `/api/v1/members/${person.userId}/unlock`, { method: "POST", key: other.key })).status
      ).toBe(404)
      const unlocked = await raw(server, `/api/v1/members/${person.userId}/unlock`, {
        method: "POST",
        key: server.adminKey
      })
      expect(unlocked.status).toBe(204)
      expect((await signIn(server, { email: person.email, password: TEST_PASSWORD })).response.status).toBe(201)
      const unlock = (await auditOf(server, server.organizationId)).find(
        (e) => e.entityId === person.userId && e.action === "unlock"
      )
      expect(unlock?.details).toEqual({ wasLocked: true })
    })

    it("sign-in attempts per account are limited: 429 too_many_sign_ins with retryAfter", async () => {
      const email = `target-${crypto.randomUUID()}@example.com`
      const statuses: Array<number> = []
      for (let i = 0; i < 13; i++)
        statuses.push((await signIn(server, { email, password: TEST_PASSWORD })).response.status)
      expect(statuses).toEqual([...Array(12).fill(401), 429])
      const limited = await signIn(server, { email: email.toUpperCase(), password: TEST_PASSWORD })
      expect(limited.body).toMatchObject({ code: "too_many_sign_ins", status: 429 })
      expect(limited.body.retryAfter).toBeGreaterThan(0)
    })

    it("signing out ends the session for every copy of the cookie, audited; the cookie is cleared", async () => {
      const session = await signIn(server, { email: member.email, password: TEST_PASSWORD })
      expect(
        (await withCookie(server, session, "/api/v1/auth/session", { method: "DELETE", csrf: false })).status
      ).toBe(403)
      const out = await withCookie(server, session, "/api/v1/auth/session", { method: "DELETE" })
      expect(out.status).toBe(204)
      const cleared = out.headers.getSetCookie().find((c) => c.startsWith("leadforge_session="))
      expect(cleared).toMatch(/^leadforge_session=;.*Max-Age=0/)
      const after = await withCookie(server, session, "/api/v1/leads")
      expect(after.status).toBe(401)
      expect((await after.json()).code).toBe("session_revoked")
      const events = (await auditOf(server, server.organizationId)).filter(
        (e) => e.entityType === "session" && e.actor.id === member.userId
      )
      expect(events.map((e) => e.action)).toContain("sign_out")
      expect(events.map((e) => e.action)).toContain("sign_in")
      expect(JSON.stringify(events)).not.toContain(session.cookie.split("=")[1])
      // an API key has no session to end
      expect((await raw(server, "/api/v1/auth/session", { method: "DELETE", key: server.adminKey })).status).toBe(400)
    })

    it("a viewer's session reads but gets 403 on writes", async () => {
      const viewer = await server.newPerson("viewer")
      const session = await signIn(server, { email: viewer.email, password: TEST_PASSWORD })
      expect(session.body.role).toBe("viewer")
      expect((await withCookie(server, session, "/api/v1/leads")).status).toBe(200)
      const write = await withCookie(server, session, "/api/v1/leads", {
        method: "POST",
        body: { companyName: "Nope" }
      })
      expect(write.status).toBe(403)
      expect((await write.json()).code).toBe("forbidden")
    })

    it("another organization's session sees none of this organization's records (404, nothing leaked)", async () => {
      const lead = await (
        await postJson(server, "/api/v1/leads", server.adminKey, { companyName: `Private ${crypto.randomUUID()}` })
      ).json()
      const other = await server.newOrganization("admin")
      const outsider = await server.newPerson("admin", other.organizationId)
      const session = await signIn(server, { email: outsider.email, password: TEST_PASSWORD })
      expect(session.body.organization.id).toBe(other.organizationId)
      const read = await withCookie(server, session, `/api/v1/leads/${lead.id}`)
      expect(read.status).toBe(404)
      expect(JSON.stringify(await read.json())).not.toContain("Private")
      const del = await withCookie(server, session, `/api/v1/leads/${lead.id}`, { method: "DELETE" })
      expect(del.status).toBe(404)
      expect((await raw(server, `/api/v1/leads/${lead.id}`, { key: server.adminKey })).status).toBe(200)
      // asking for an organization one is not a member of
      const elsewhere = await signIn(server, { ...outsider, organizationId: server.organizationId })
      expect(elsewhere.response.status).toBe(403)
      expect(elsewhere.body.code).toBe("no_membership")
    })

    it("an unknown or malformed cookie gets 401 without detail about which check failed", async () => {
      for (const value of ["nope", `lfs_${"x".repeat(43)}`]) {
        const response = await raw(server, "/api/v1/leads", { headers: { cookie: `leadforge_session=${value}` } })
        expect(response.status).toBe(401)
        expect((await response.json()).code).toBe("unauthorized")
      }
    })
  })
}
