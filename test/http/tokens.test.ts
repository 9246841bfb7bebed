import { AuditLog } from "@leadforge/domain"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { backends, type Person, postJson, type RunningServer, raw, startServer, TEST_PASSWORD } from "./support.js"

const tokensFor = async (server: RunningServer, person: Person) => {
  const response = await postJson(server, "/api/v1/auth/token", "", { email: person.email, password: TEST_PASSWORD })
  expect(response.status).toBe(201)
  return response.json()
}

const refresh = (server: RunningServer, refreshToken: string) =>
  postJson(server, "/api/v1/auth/refresh", "", { refreshToken })

const auditOf = (server: RunningServer) =>
  Effect.runPromise(
    Effect.flatMap(AuditLog, (log) => log.chain(server.organizationId)).pipe(Effect.provide(server.context))
  )

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`API client tokens over ${backend.name}`, () => {
    let server: RunningServer

    beforeAll(async () => {
      const persistence = await backend.persistence()
      if (persistence === null) throw new Error(`no ${backend.name} database: set DATABASE_URL`)
      server = await startServer(persistence, { ...backend.env, SIGN_IN_ADDRESS_BURST: "1000" })
    })
    afterAll(() => server?.close())

    it("POST /auth/token: a JWT access token (15 min) and an opaque refresh token; the token works on /api/v1", async () => {
      const person = await server.newPerson("member")
      const tokens = await tokensFor(server, person)
      expect(tokens).toMatchObject({ tokenType: "Bearer", expiresIn: 900, role: "member" })
      expect(tokens.accessToken.split(".")).toHaveLength(3)
      expect(tokens.refreshToken).toMatch(/^lfr_[A-Za-z0-9_-]{43}$/)
      const claims = JSON.parse(Buffer.from(tokens.accessToken.split(".")[1], "base64url").toString())
      expect(claims).toMatchObject({ sub: person.userId, org: server.organizationId, role: "member" })
      expect(typeof claims.sid).toBe("string")
      expect((await raw(server, "/api/v1/leads", { key: tokens.accessToken })).status).toBe(200)
      // no cookie, so no CSRF token is needed for writes
      const created = await postJson(server, "/api/v1/leads", tokens.accessToken, {
        companyName: `Token Co ${crypto.randomUUID()}`
      })
      expect(created.status).toBe(201)
      const me = await (await raw(server, "/api/v1/me", { key: tokens.accessToken })).json()
      expect(me).toMatchObject({ via: "access_token", user: { id: person.userId } })
    })

    it("a viewer's token reads and gets 403 on writes; another organization's token gets 404 on this one's ids", async () => {
      const viewer = await tokensFor(server, await server.newPerson("viewer"))
      expect((await raw(server, "/api/v1/leads", { key: viewer.accessToken })).status).toBe(200)
      expect((await postJson(server, "/api/v1/leads", viewer.accessToken, { companyName: "Nope" })).status).toBe(403)
      const lead = await (
        await postJson(server, "/api/v1/leads", server.adminKey, { companyName: `Secret ${crypto.randomUUID()}` })
      ).json()
      const other = await server.newOrganization("admin")
      const outsider = await tokensFor(server, await server.newPerson("admin", other.organizationId))
      for (const method of ["GET", "DELETE"]) {
        const response = await raw(server, `/api/v1/leads/${lead.id}`, { method, key: outsider.accessToken })
        expect(response.status, method).toBe(404)
        expect(JSON.stringify(await response.json())).not.toContain("Secret")
      }
    })

    it("malformed, wrongly signed and alg:none tokens get the same 401", async () => {
      const person = await server.newPerson("member")
      const { accessToken } = await tokensFor(server, person)
      const [header, body] = accessToken.split(".")
      const none = `${Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url")}.${body}.`
      const forged = `${header}.${body}.${"A".repeat(43)}`
      const answers = []
      for (const token of ["nope", none, forged, `${accessToken}x`]) {
        const response = await raw(server, "/api/v1/leads", { key: token })
        expect(response.status).toBe(401)
        const { requestId: _, instance: __, ...problem } = await response.json()
        answers.push(problem)
      }
      for (const answer of answers) expect(answer).toEqual(answers[0])
      expect(answers[0]).toMatchObject({ code: "unauthorized", detail: "the access token is invalid or expired" })
    })

    it("refresh rotates; a refresh token used twice revokes its whole family, audited as token_reuse", async () => {
      const person = await server.newPerson("member")
      const first = await tokensFor(server, person)
      const rotated = await refresh(server, first.refreshToken)
      expect(rotated.status).toBe(200)
      const second = await rotated.json()
      expect(second.refreshToken).not.toBe(first.refreshToken)
      expect((await raw(server, "/api/v1/leads", { key: second.accessToken })).status).toBe(200)
      const reuse = await refresh(server, first.refreshToken)
      expect(reuse.status).toBe(401)
      expect((await reuse.json()).code).toBe("refresh_token_reused")
      // the newer token of the family, never used, is refused too: its sign-in was revoked
      const afterReuse = await refresh(server, second.refreshToken)
      expect(afterReuse.status).toBe(401)
      expect((await afterReuse.json()).code).toBe("session_revoked")
      const reused = (await auditOf(server)).filter((e) => e.action === "token_reuse" && e.actor.id === person.userId)
      expect(reused).toHaveLength(1)
      expect((await refresh(server, `lfr_${"x".repeat(43)}`)).status).toBe(401)
      const bad = await postJson(server, "/api/v1/auth/refresh", "", {})
      expect(bad.status).toBe(400)
    })

    it("signing out: this server refuses the access token at once and no server refreshes it", async () => {
      const person = await server.newPerson("member")
      const tokens = await tokensFor(server, person)
      expect((await raw(server, "/api/v1/auth/session", { method: "DELETE", key: tokens.accessToken })).status).toBe(
        204
      )
      expect((await raw(server, "/api/v1/leads", { key: tokens.accessToken })).status).toBe(401)
      const refused = await refresh(server, tokens.refreshToken)
      expect(refused.status).toBe(401)
      expect((await refused.json()).code).toBe("session_revoked")
    })

    it("removing a member: the refresh is refused, so access ends within one access-token lifetime", async () => {
      const person = await server.newPerson("member")
      const tokens = await tokensFor(server, person)
      expect(
        (await raw(server, `/api/v1/members/${person.userId}`, { method: "DELETE", key: server.adminKey })).status
      ).toBe(204)
      const refused = await refresh(server, tokens.refreshToken)
      expect(refused.status).toBe(401)
      expect((await refused.json()).code).toBe("session_revoked")
      // the access token itself is verified without a database round trip: it lapses at its expiry (15 min)
      const claims = JSON.parse(Buffer.from(tokens.accessToken.split(".")[1], "base64url").toString())
      expect(claims.exp - claims.iat).toBe(900)
    })

    it("without AUTH_SIGNING_KEY the key is generated once and stored: a second server accepts the first's tokens", async () => {
      const tokens = await tokensFor(server, await server.newPerson("member"))
      const second = await startServer(server.context, { ...backend.env })
      try {
        expect((await raw(second, "/api/v1/leads", { key: tokens.accessToken })).status).toBe(200)
      } finally {
        await second.close()
      }
      const configured = await startServer(server.context, { ...backend.env, AUTH_SIGNING_KEY: "s".repeat(32) })
      try {
        expect((await raw(configured, "/api/v1/leads", { key: tokens.accessToken })).status).toBe(401)
      } finally {
        await configured.close()
      }
    })
  })
}
