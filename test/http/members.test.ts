import { AuditLog } from "@leadforge/domain"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { backends, type Person, postJson, type RunningServer, raw, startServer, TEST_PASSWORD } from "./support.js"

const NEW_PASSWORD = "another long pass phrase, new"

const signIn = async (server: RunningServer, email: string, password = TEST_PASSWORD) => {
  const response = await postJson(server, "/api/v1/auth/session", "", { email, password })
  const setCookie = response.headers.getSetCookie().find((c) => c.startsWith("leadforge_session=")) ?? ""
  const body = await response.json()
  return { status: response.status, body, cookie: setCookie.split(";")[0]!, csrf: body.csrfToken as string }
}

type Session = Awaited<ReturnType<typeof signIn>>

const call = (
  server: RunningServer,
  session: Session,
  path: string,
  init: { readonly method?: string; readonly body?: unknown } = {}
) =>
  raw(server, path, {
    method: init.method ?? "GET",
    headers: {
      cookie: session.cookie,
      origin: server.baseUrl,
      "x-csrf-token": session.csrf,
      ...(init.body === undefined ? {} : { "content-type": "application/json" })
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) })
  })

const auditOf = (server: RunningServer, organizationId: Person["organizationId"]) =>
  Effect.runPromise(Effect.flatMap(AuditLog, (log) => log.chain(organizationId)).pipe(Effect.provide(server.context)))

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`members, invitations and /me over ${backend.name}`, () => {
    let server: RunningServer
    let invitation = ""

    beforeAll(async () => {
      const persistence = await backend.persistence()
      if (persistence === null) throw new Error(`no ${backend.name} database: set DATABASE_URL`)
      server = await startServer(persistence, { ...backend.env, SIGN_IN_ADDRESS_BURST: "1000" })
      invitation = server.firstInvitation
    })
    afterAll(() => server?.close())

    it("the first start prints an invitation for the first admin person; it works once", async () => {
      expect(invitation).toMatch(/^lfi_[A-Za-z0-9_-]{43}$/)
      const accept = { token: invitation, email: "founder@example.com", name: "Founder", password: TEST_PASSWORD }
      const accepted = await postJson(server, "/api/v1/invitations/accept", "", accept)
      expect(accepted.status).toBe(201)
      expect(await accepted.json()).toMatchObject({ organizationId: server.organizationId, role: "admin" })
      const again = await postJson(server, "/api/v1/invitations/accept", "", { ...accept, email: "other@example.com" })
      expect(again.status).toBe(409)
      expect((await again.json()).code).toBe("invitation_used")
      const session = await signIn(server, "founder@example.com")
      expect(session.status).toBe(201)
      expect(session.body.role).toBe("admin")
    })

    it("GET /me: the user, the organization and role, and the other organizations; an API key has no user", async () => {
      const person = await server.newPerson("member")
      const other = await server.newOrganization("admin")
      const invited = await (
        await postJson(server, "/api/v1/members/invitations", other.key, { email: person.email, role: "viewer" })
      ).json()
      const join = (password: string) =>
        postJson(server, "/api/v1/invitations/accept", "", { token: invited.token, name: "", password })
      expect((await join("not the account's password")).status).toBe(401)
      expect((await join(TEST_PASSWORD)).status).toBe(201)
      const session = await signIn(server, person.email)
      const me = await (await call(server, session, "/api/v1/me")).json()
      expect(me).toMatchObject({
        user: { id: person.userId, email: person.email },
        organization: { id: server.organizationId },
        role: "member",
        via: "session",
        otherOrganizations: [{ organization: { id: other.organizationId }, role: "viewer" }]
      })
      const switched = await postJson(server, "/api/v1/auth/session", "", {
        email: person.email,
        password: TEST_PASSWORD,
        organizationId: other.organizationId
      })
      expect((await switched.json()).role).toBe("viewer")
      const byKey = await (await raw(server, "/api/v1/me", { key: server.adminKey })).json()
      expect(byKey).toMatchObject({
        user: null,
        role: "admin",
        via: "api_key",
        organization: { id: server.organizationId }
      })
    })

    it("invitations: admin only, one-time, the account and membership created together, audited", async () => {
      const member = await server.newPerson("member")
      const memberSession = await signIn(server, member.email)
      const refused = await call(server, memberSession, "/api/v1/members/invitations", {
        method: "POST",
        body: { email: "x@example.com", role: "member" }
      })
      expect(refused.status).toBe(403)
      const email = `invitee-${crypto.randomUUID().slice(0, 8)}@example.com`
      const created = await postJson(server, "/api/v1/members/invitations", server.adminKey, { email, role: "member" })
      expect(created.status).toBe(201)
      const body = await created.json()
      expect(body.link).toBe(`${server.baseUrl}/invitation#${body.token}`)
      expect(new Date(body.expiresAt).getTime() - Date.now()).toBeGreaterThan(47 * 3_600_000)
      // a weak password is refused with the field named, and the invitation stays usable
      const weak = await postJson(server, "/api/v1/invitations/accept", "", {
        token: body.token,
        name: "Ivy",
        password: "password1234"
      })
      expect(weak.status).toBe(422)
      expect((await weak.json()).errors).toEqual([
        expect.objectContaining({ field: "password", code: "password_common" })
      ])
      const ok = await postJson(server, "/api/v1/invitations/accept", "", {
        token: body.token,
        name: "Ivy",
        password: TEST_PASSWORD
      })
      expect(ok.status).toBe(201)
      expect((await signIn(server, email)).status).toBe(201)
      const unknown = await postJson(server, "/api/v1/invitations/accept", "", {
        token: `lfi_${"x".repeat(43)}`,
        name: "I",
        password: TEST_PASSWORD
      })
      expect(unknown.status).toBe(404)
      expect((await unknown.json()).code).toBe("link_unknown")
      const events = await auditOf(server, server.organizationId)
      const invite = events.find(
        (e) => e.entityType === "invitation" && e.entityId === body.id && e.action === "create"
      )
      const accept = events.find(
        (e) => e.entityType === "invitation" && e.entityId === body.id && e.action === "accept"
      )
      expect(invite?.details).toMatchObject({ role: "member" })
      expect(accept?.actor.type).toBe("user")
      expect(JSON.stringify(events)).not.toContain(body.token)
      // bad input names each field
      const bad = await postJson(server, "/api/v1/members/invitations", server.adminKey, { email: "", role: "owner" })
      expect(bad.status).toBe(400)
      expect((await bad.json()).errors.map((e: { field: string }) => e.field).sort()).toEqual(["email", "role"])
    })

    it("members: list, change a role (audited), and the last admin is kept (409)", async () => {
      const other = await server.newOrganization("admin")
      const admin = await server.newPerson("admin", other.organizationId)
      const bob = await server.newPerson("member", other.organizationId)
      const listed = await (await raw(server, "/api/v1/members", { key: other.key })).json()
      expect(listed.items.map((m: { email: string }) => m.email)).toEqual([admin.email, bob.email])
      const demoteLast = await raw(server, `/api/v1/members/${admin.userId}`, {
        method: "PATCH",
        key: other.key,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ role: "member" })
      })
      expect(demoteLast.status).toBe(409)
      expect((await demoteLast.json()).code).toBe("last_admin")
      const removeLast = await raw(server, `/api/v1/members/${admin.userId}`, { method: "DELETE", key: other.key })
      expect(removeLast.status).toBe(409)
      const adminSession = await signIn(server, admin.email)
      const promoted = await call(server, adminSession, `/api/v1/members/${bob.userId}`, {
        method: "PATCH",
        body: { role: "admin" }
      })
      expect(promoted.status).toBe(200)
      expect((await promoted.json()).role).toBe("admin")
      const change = (await auditOf(server, other.organizationId)).find(
        (e) => e.entityType === "membership" && e.entityId === bob.userId
      )
      expect(change).toMatchObject({ action: "update", details: { role: { before: "member", after: "admin" } } })
      expect(change?.actor).toMatchObject({ type: "user", id: admin.userId })
      const demoted = await call(server, adminSession, `/api/v1/members/${admin.userId}`, {
        method: "PATCH",
        body: { role: "member" }
      })
      expect(demoted.status).toBe(200)
      // the demotion applies to the open session at once: it can no longer manage members
      expect(
        (
          await call(server, adminSession, `/api/v1/members/${bob.userId}`, {
            method: "PATCH",
            body: { role: "member" }
          })
        ).status
      ).toBe(403)
    })

    it("removing a member cuts their session at once; another organization's admin gets 404", async () => {
      const victim = await server.newPerson("member")
      const session = await signIn(server, victim.email)
      expect((await call(server, session, "/api/v1/leads")).status).toBe(200)
      const outsider = await server.newOrganization("admin")
      expect(
        (await raw(server, `/api/v1/members/${victim.userId}`, { method: "DELETE", key: outsider.key })).status
      ).toBe(404)
      expect(
        (await raw(server, `/api/v1/members/${victim.userId}`, { method: "DELETE", key: server.adminKey })).status
      ).toBe(204)
      const after = await call(server, session, "/api/v1/leads")
      expect(after.status).toBe(401)
      expect((await after.json()).code).toBe("session_revoked")
      expect((await signIn(server, victim.email)).body.code).toBe("no_membership")
      const removal = (await auditOf(server, server.organizationId)).find(
        (e) => e.entityType === "membership" && e.entityId === victim.userId && e.action === "delete"
      )
      expect(removal?.details).toMatchObject({ role: "member", sessionsRevoked: 1 })
    })

    it("a password reset link sets a new password once and ends the user's other sessions", async () => {
      const person = await server.newPerson("member")
      const before = await signIn(server, person.email)
      const { token } = await server.passwordReset(person.email)
      const reset = await postJson(server, "/api/v1/auth/password-reset", "", { token, password: NEW_PASSWORD })
      expect(reset.status).toBe(204)
      const old = await call(server, before, "/api/v1/leads")
      expect(old.status).toBe(401)
      expect((await old.json()).code).toBe("session_revoked")
      expect((await signIn(server, person.email)).status).toBe(401)
      expect((await signIn(server, person.email, NEW_PASSWORD)).status).toBe(201)
      const again = await postJson(server, "/api/v1/auth/password-reset", "", { token, password: NEW_PASSWORD })
      expect(again.status).toBe(409)
      expect((await again.json()).code).toBe("reset_link_used")
      const events = (await auditOf(server, server.organizationId)).filter((e) => e.entityId === person.userId)
      expect(events.map((e) => e.action)).toContain("password_reset")
      expect(JSON.stringify(events)).not.toContain(NEW_PASSWORD)
    })

    it("every member id route with another organization's session: 404; with a viewer's: 403 on writes", async () => {
      const target = await server.newPerson("member")
      const other = await server.newOrganization("admin")
      const outsider = await signIn(server, (await server.newPerson("admin", other.organizationId)).email)
      const viewer = await signIn(server, (await server.newPerson("viewer")).email)
      const routes: Array<[string, string, unknown]> = [
        ["PATCH", `/api/v1/members/${target.userId}`, { role: "viewer" }],
        ["DELETE", `/api/v1/members/${target.userId}`, undefined],
        ["POST", `/api/v1/members/${target.userId}/unlock`, undefined]
      ]
      for (const [method, path, body] of routes) {
        const foreign = await call(server, outsider, path, { method, body })
        expect(foreign.status, `${method} ${path}`).toBe(404)
        expect(JSON.stringify(await foreign.json())).not.toContain(target.email)
        expect((await call(server, viewer, path, { method, body })).status, `${method} ${path}`).toBe(403)
      }
      expect((await call(server, viewer, "/api/v1/members")).status).toBe(200)
    })
  })
}
