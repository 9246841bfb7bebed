import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { backends, failureWith, postJson, type RunningServer, raw, startServer, withClient } from "./support.js"

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`HTTP API over ${backend.name}`, () => {
    let server: RunningServer
    let key: string

    beforeAll(async () => {
      const persistence = await backend.persistence()
      if (persistence === null) throw new Error(`no ${backend.name} database: set DATABASE_URL`)
      server = await startServer(persistence, backend.env)
      key = server.adminKey
    })
    afterAll(() => server?.close())

    it("prints one admin key on first run: lf_ + 43 URL-safe characters", () => {
      expect(key).toMatch(/^lf_[A-Za-z0-9_-]{43}$/)
    })

    it("serves /health, /openapi.json (OpenAPI 3.1) and /docs without a key", async () => {
      const health = await raw(server, "/health")
      expect(health.status).toBe(200)
      const body = await health.json()
      expect(body).toMatchObject({ status: "healthy", services: { database: "connected", llm: "not_configured" } })
      expect(typeof body.timestamp).toBe("string")
      const spec = await (await raw(server, "/openapi.json")).json()
      expect(spec.openapi).toBe("3.1.0")
      expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(["/api/v1/leads", "/api/v1/leads/{id}"]))
      const operations = Object.entries(spec.paths).flatMap(([path, item]) =>
        Object.entries(item as Record<string, { operationId: string; security?: unknown; responses: object }>).map(
          ([method, op]) => ({ path, method, ...op })
        )
      )
      const ids = operations.map((op) => op.operationId)
      expect(new Set(ids).size).toBe(ids.length)
      // the ways in take no credential: signing in, tokens, accepting an invitation, resetting a password
      const open = new Set([
        "post /api/v1/auth/session",
        "post /api/v1/auth/token",
        "post /api/v1/auth/refresh",
        "post /api/v1/invitations/accept",
        "post /api/v1/auth/password-reset"
      ])
      const isOpen = (o: { path: string; method: string }) => open.has(`${o.method} ${o.path}`)
      for (const op of operations.filter(isOpen)) expect(op.security ?? [], `${op.method} ${op.path}`).toEqual([])
      for (const op of operations.filter((o) => o.path.startsWith("/api/v1") && !isOpen(o))) {
        expect(op.security, `${op.method} ${op.path}`).toEqual([{ bearer: [] }, { accessToken: [] }, { session: [] }])
        const notFound = (op.responses as Record<string, { content?: Record<string, unknown> }>)["404"]
        expect(Object.keys(notFound?.content ?? {}), `${op.method} ${op.path}`).toContain("application/problem+json")
      }
      expect(spec.components.securitySchemes).toMatchObject({
        bearer: { type: "http", scheme: "bearer" },
        accessToken: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
        session: { type: "apiKey", in: "cookie", name: "leadforge_session" }
      })
      const docs = await raw(server, "/docs")
      expect(docs.status).toBe(200)
      expect(docs.headers.get("content-type")).toContain("text/html")
    })

    it("reports status with the migration level", async () => {
      const status = await withClient(server, key, (client) => client.system.status())
      expect(status.adapters.database).toBe(backend.name)
      expect(status.migrationLevel).toBeGreaterThan(0)
    })

    it("401 without a key, with a malformed key and with an unknown key, as problem+json", async () => {
      for (const authorization of [undefined, "Bearer nope", `Bearer lf_${"x".repeat(43)}`]) {
        const response = await raw(server, "/api/v1/leads", {
          headers: authorization === undefined ? {} : { authorization }
        })
        expect(response.status).toBe(401)
        expect(response.headers.get("content-type")).toBe("application/problem+json")
        const problem = await response.json()
        expect(problem).toMatchObject({ status: 401, code: "unauthorized", title: "Unauthorized" })
        expect(problem.type).toBe("/problems/unauthorized")
      }
    })

    it("accepts or generates x-request-id", async () => {
      const given = await raw(server, "/health", { headers: { "x-request-id": "trace-abc.123" } })
      expect(given.headers.get("x-request-id")).toBe("trace-abc.123")
      const generated = await raw(server, "/health")
      expect(generated.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/)
    })

    it("creates, reads, updates with If-Match, and deletes a lead", async () => {
      await withClient(server, key, (client) =>
        Effect.gen(function* () {
          const lead = yield* client.leads.create({
            payload: { companyName: "Acme Robotics", domain: "https://www.acme-robotics.com/about", tags: ["ai"] }
          })
          expect(lead.domain).toBe("acme-robotics.com")
          expect(lead.version).toBe(1)
          const read = yield* client.leads.get({ path: { id: lead.id } })
          expect(read.companyName).toBe("Acme Robotics")
          const updated = yield* client.leads.update({
            path: { id: lead.id },
            headers: { "if-match": '"1"' },
            payload: { industry: "Software", employeeCount: 120 }
          })
          expect(updated.version).toBe(2)
          expect(updated.industry).toBe("Software")
          yield* client.leads.delete({ path: { id: lead.id } })
          const gone = yield* Effect.flip(client.leads.get({ path: { id: lead.id } }))
          expect(gone).toMatchObject({ _tag: "NotFound", status: 404, code: "lead_not_found" })
        })
      )
    })

    it("returns the ETag on read and 412 on a stale If-Match, 428 without one", async () => {
      const created = await postJson(server, "/api/v1/leads", key, { companyName: "Etag Co", domain: "etag.io" })
      expect(created.status).toBe(201)
      expect(created.headers.get("etag")).toBe('"1"')
      const lead = await created.json()
      const read = await raw(server, `/api/v1/leads/${lead.id}`, { key })
      expect(read.status).toBe(200)
      expect(read.headers.get("etag")).toBe('"1"')
      expect(read.headers.get("content-type")).toBe("application/json")
      expect(await read.json()).toEqual(lead)
      const patch = (headers: Record<string, string>) =>
        raw(server, `/api/v1/leads/${lead.id}`, {
          method: "PATCH",
          key,
          headers: { "content-type": "application/json", ...headers },
          body: JSON.stringify({ notes: "hello" })
        })
      expect((await patch({ "if-match": '"1"' })).status).toBe(200)
      const stale = await patch({ "if-match": '"1"' })
      expect(stale.status).toBe(412)
      expect(await stale.json()).toMatchObject({ code: "version_conflict", currentVersion: 2 })
      const missing = await patch({})
      expect(missing.status).toBe(428)
      expect((await missing.json()).code).toBe("precondition_required")
      const viaClient = await failureWith(server, key, (client) =>
        client.leads.update({ path: { id: lead.id }, headers: {}, payload: { notes: "x", version: 1 } })
      )
      expect(viaClient).toMatchObject({ _tag: "PreconditionFailed", status: 412 })
    })

    it("409 names the existing lead", async () => {
      const first = await (
        await postJson(server, "/api/v1/leads", key, { companyName: "Dup", domain: "dup.dev" })
      ).json()
      const again = await postJson(server, "/api/v1/leads", key, { companyName: "Dup Two", domain: "www.dup.dev" })
      expect(again.status).toBe(409)
      expect(await again.json()).toMatchObject({ code: "duplicate_lead", existingId: first.id })
    })

    it("400 lists every failing field; 422 for domain rules; malformed JSON, 415, 413", async () => {
      const invalid = await postJson(server, "/api/v1/leads", key, { domain: 5, employeeCount: -1, tags: [""] })
      expect(invalid.status).toBe(400)
      const problem = await invalid.json()
      expect(problem.code).toBe("invalid_request")
      expect(problem.errors.map((e: { field: string }) => e.field).sort()).toEqual(
        ["companyName", "domain", "employeeCount", "tags.0"].sort()
      )
      expect(problem.errors.find((e: { field: string }) => e.field === "companyName").code).toBe("required")

      const rule = await postJson(server, "/api/v1/leads", key, { companyName: "Bad Domain", domain: "not a domain" })
      expect(rule.status).toBe(422)
      expect(await rule.json()).toMatchObject({ code: "validation_failed", errors: [{ field: "domain" }] })

      const malformed = await raw(server, "/api/v1/leads", {
        method: "POST",
        key,
        headers: { "content-type": "application/json" },
        body: '{"companyName": "x",'
      })
      expect(malformed.status).toBe(400)
      expect((await malformed.json()).code).toBe("malformed_json")

      const text = await raw(server, "/api/v1/leads", {
        method: "POST",
        key,
        headers: { "content-type": "text/plain" },
        body: "companyName=x"
      })
      expect(text.status).toBe(415)
      expect((await text.json()).code).toBe("unsupported_media_type")

      const huge = await postJson(server, "/api/v1/leads", key, { companyName: "x", notes: "n".repeat(2_000_000) })
      expect(huge.status).toBe(413)
      expect((await huge.json()).code).toBe("payload_too_large")

      const badId = await raw(server, "/api/v1/leads/not-a-uuid", { key })
      expect(badId.status).toBe(400)
      expect((await badId.json()).errors[0].field).toBe("id")

      const badQuery = await raw(server, "/api/v1/leads?limit=0&minScore=abc&sort=name", { key })
      expect(badQuery.status).toBe(400)
      const fields = (await badQuery.json()).errors.map((e: { field: string }) => e.field).sort()
      expect(fields).toEqual(["limit", "minScore", "sort"])
    })

    it("never leaks a stack trace or SQL: unknown routes are problem+json 404", async () => {
      const response = await raw(server, "/api/v1/nothing-here", { key })
      expect(response.status).toBe(404)
      const body = await response.text()
      expect(JSON.parse(body).code).toBe("route_not_found")
      expect(body).not.toMatch(/at .*\.ts|SELECT|stack/i)
    })

    it("paginates by keyset without skips or repeats while rows are inserted", async () => {
      const tag = `page-${backend.name}`
      const originals = new Set<string>()
      for (let i = 0; i < 23; i++) {
        const r = await postJson(server, "/api/v1/leads", key, { companyName: `Paged ${i}`, tags: [tag] })
        originals.add((await r.json()).id)
      }
      const seen: Array<string> = []
      let cursor: string | null = null
      let inserted = 0
      do {
        const page: { items: ReadonlyArray<{ id: string }>; nextCursor: string | null } = await withClient(
          server,
          key,
          (client) =>
            client.leads.list({ urlParams: { tag, limit: 5, sort: "created", ...(cursor ? { cursor } : {}) } })
        )
        seen.push(...page.items.map((l) => l.id))
        cursor = page.nextCursor
        // Concurrent writers: new rows arrive between pages.
        await postJson(server, "/api/v1/leads", key, { companyName: `Late ${inserted++}`, tags: [tag] })
      } while (cursor !== null)
      expect(new Set(seen).size).toBe(seen.length)
      for (const id of originals) expect(seen).toContain(id)
    })

    it("filters by status, tag, text, score and created range", async () => {
      await withClient(server, key, (client) =>
        Effect.gen(function* () {
          const a = yield* client.leads.create({
            payload: { companyName: "Filterable Alpha", domain: "alpha-filter.com", tags: ["f1"], industry: "Fintech" }
          })
          yield* client.leads.create({ payload: { companyName: "Filterable Beta", tags: ["f2"] } })
          yield* client.leads.changeStatus({ path: { id: a.id }, payload: { status: "contacted" } })
          const byStatus = yield* client.leads.list({ urlParams: { status: ["contacted"], q: "Filterable" } })
          expect(byStatus.items.map((l) => l.id)).toEqual([a.id])
          const byTag = yield* client.leads.list({ urlParams: { tag: "f2" } })
          expect(byTag.items.map((l) => l.companyName)).toEqual(["Filterable Beta"])
          const byText = yield* client.leads.list({ urlParams: { q: "alpha-filter" } })
          expect(byText.items.map((l) => l.id)).toEqual([a.id])
          const none = yield* client.leads.list({ urlParams: { q: "Filterable", minScore: 100 } })
          expect(none.items.every((l) => l.leadScore >= 100)).toBe(true)
          const future = yield* client.leads.list({ urlParams: { createdAfter: new Date(Date.now() + 60_000) } })
          expect(future.items).toEqual([])
          const industry = yield* client.leads.list({ urlParams: { industry: "Fintech", sort: "score" } })
          expect(industry.items.map((l) => l.id)).toContain(a.id)
        })
      )
    })

    it("changes status through the state machine (422 on an illegal move), rescores with factors", async () => {
      await withClient(server, key, (client) =>
        Effect.gen(function* () {
          const lead = yield* client.leads.create({
            payload: { companyName: "Status Co", domain: "status.co", industry: "Software", employeeCount: 150 }
          })
          const contacted = yield* client.leads.changeStatus({
            path: { id: lead.id },
            payload: { status: "contacted" }
          })
          expect(contacted.status).toBe("contacted")
          const illegal = yield* Effect.flip(
            client.leads.changeStatus({ path: { id: lead.id }, payload: { status: "won" } })
          )
          expect(illegal).toMatchObject({ _tag: "Unprocessable", code: "illegal_status_transition" })
          const rescored = yield* client.leads.rescore({ path: { id: lead.id } })
          expect(rescored.score.factors.length).toBeGreaterThan(0)
          expect(rescored.score.score).toBe(rescored.lead.leadScore)
        })
      )
    })

    it("merges two leads: a dry run writes nothing, a real merge moves contacts and removes the source", async () => {
      await withClient(server, key, (client) =>
        Effect.gen(function* () {
          const target = yield* client.leads.create({ payload: { companyName: "Merge Target", domain: "merge.io" } })
          const source = yield* client.leads.create({
            payload: { companyName: "Merge Target Inc", industry: "Software", tags: ["m"] }
          })
          yield* client.contacts.create({
            path: { leadId: source.id },
            payload: { firstName: "Ada", lastName: "Lovelace", email: "ada@merge.io" }
          })
          const plan = yield* client.leads.merge({
            path: { id: target.id },
            payload: { sourceId: source.id, dryRun: true }
          })
          expect(plan.dryRun).toBe(true)
          expect(plan.lead.industry).toBe("Software")
          expect(plan.decisions.map((d) => d.field)).toContain("industry")
          const stillThere = yield* client.leads.get({ path: { id: source.id } })
          expect(stillThere.id).toBe(source.id)
          const merged = yield* client.leads.merge({ path: { id: target.id }, payload: { sourceId: source.id } })
          expect(merged.movedContacts).toBe(1)
          expect(merged.lead.industry).toBe("Software")
          const gone = yield* Effect.flip(client.leads.get({ path: { id: source.id } }))
          expect(gone._tag).toBe("NotFound")
          const contacts = yield* client.contacts.list({ path: { leadId: target.id } })
          expect(contacts.items.map((c) => c.email)).toEqual(["ada@merge.io"])
        })
      )
    })

    it("manages contacts under a lead, refuses duplicates (409) and invalid contacts (422)", async () => {
      await withClient(server, key, (client) =>
        Effect.gen(function* () {
          const lead = yield* client.leads.create({ payload: { companyName: "Contacts Co", domain: "contacts.co" } })
          const contact = yield* client.contacts.create({
            path: { leadId: lead.id },
            payload: { fullName: "Grace Hopper", email: "Grace@Contacts.co", jobTitle: "VP Engineering" }
          })
          expect(contact.email).toBe("Grace@contacts.co")
          expect(contact.seniority).toBe("vp")
          const path = { leadId: lead.id, contactId: contact.id }
          expect((yield* client.contacts.get({ path })).id).toBe(contact.id)
          const updated = yield* client.contacts.update({ path, headers: {}, payload: { jobTitle: "CTO" } })
          expect(updated.version).toBe(2)
          const stale = yield* Effect.flip(
            client.contacts.update({ path, headers: { "if-match": "1" }, payload: { jobTitle: "CEO" } })
          )
          expect(stale._tag).toBe("PreconditionFailed")
          const dup = yield* Effect.flip(
            client.contacts.create({
              path: { leadId: lead.id },
              payload: { firstName: "G", email: "grace@contacts.co" }
            })
          )
          expect(dup).toMatchObject({ _tag: "Conflict", code: "duplicate_contact", existingId: contact.id })
          const invalid = yield* Effect.flip(
            client.contacts.create({ path: { leadId: lead.id }, payload: { email: "not-an-email" } })
          )
          expect(invalid).toMatchObject({ _tag: "Unprocessable", code: "validation_failed" })
          expect((invalid as { errors?: ReadonlyArray<{ field: string }> }).errors?.map((e) => e.field)).toContain(
            "email"
          )
          const listed = yield* client.contacts.list({ path: { leadId: lead.id } })
          expect(listed.items.map((c) => c.id)).toEqual([contact.id])
          const other = yield* client.leads.create({ payload: { companyName: "Elsewhere", domain: "elsewhere.co" } })
          const wrongLead = yield* Effect.flip(
            client.contacts.get({ path: { leadId: other.id, contactId: contact.id } })
          )
          expect(wrongLead._tag).toBe("NotFound")
          yield* client.contacts.delete({ path })
          expect((yield* Effect.flip(client.contacts.get({ path })))._tag).toBe("NotFound")
        })
      )
    })

    it("validates a batch of contacts without storing them", async () => {
      const result = await withClient(server, key, (client) =>
        client.contacts.validate({
          payload: {
            companyDomain: "acme.com",
            contacts: [
              { fullName: "Jane Doe", email: "jane@acme.com" },
              { email: "broken@" },
              { fullName: "Temp", email: "x@mailinator.com" }
            ]
          }
        })
      )
      expect(result.items.map((r) => r.status)).toEqual(["valid", "invalid", "risky"])
      expect(result.items[1]!.issues.map((i) => i.field)).toContain("email")
    })

    it("records and lists activities", async () => {
      await withClient(server, key, (client) =>
        Effect.gen(function* () {
          const lead = yield* client.leads.create({ payload: { companyName: "Active Co", domain: "active.co" } })
          const activity = yield* client.activities.create({
            path: { leadId: lead.id },
            payload: { kind: "meeting", occurredAt: new Date(), summary: "intro call" }
          })
          expect(activity.kind).toBe("meeting")
          const listed = yield* client.activities.list({ path: { leadId: lead.id } })
          expect(listed.items.map((a) => a.id)).toEqual([activity.id])
        })
      )
    })

    it("lists audit events by entity and verifies the chain", async () => {
      await withClient(server, key, (client) =>
        Effect.gen(function* () {
          const lead = yield* client.leads.create({ payload: { companyName: "Audited", domain: "audited.dev" } })
          yield* client.leads.update({ path: { id: lead.id }, headers: { "if-match": "1" }, payload: { notes: "n" } })
          const events = yield* client.audit.list({ urlParams: { entityType: "lead", entityId: lead.id } })
          expect(events.items.map((e) => e.action)).toEqual(["create", "update"])
          const check = yield* client.audit.verify()
          expect(check.valid).toBe(true)
        })
      )
    })

    it("roles: viewers only read (403), only admins manage keys, revoked keys stop working", async () => {
      const created = await withClient(server, key, (client) =>
        Effect.all([
          client.keys.create({ payload: { name: "reader", role: "viewer" } }),
          client.keys.create({ payload: { name: "writer", role: "member" } })
        ])
      )
      const [viewer, member] = created
      expect(viewer.key).toMatch(/^lf_[A-Za-z0-9_-]{43}$/)
      const listed = await withClient(server, key, (client) => client.keys.list())
      expect(listed.items.map((k) => k.name)).toEqual(expect.arrayContaining(["reader", "writer"]))
      expect(JSON.stringify(listed)).not.toContain(viewer.key)

      expect((await raw(server, "/api/v1/leads", { key: viewer.key })).status).toBe(200)
      const write = await postJson(server, "/api/v1/leads", viewer.key, { companyName: "Nope" })
      expect(write.status).toBe(403)
      expect((await write.json()).code).toBe("forbidden")
      const memberKeys = await failureWith(server, member.key, (client) => client.keys.list())
      expect(memberKeys).toMatchObject({ _tag: "Forbidden", status: 403 })
      expect((await postJson(server, "/api/v1/leads", member.key, { companyName: "Member Lead" })).status).toBe(201)

      await withClient(server, key, (client) => client.keys.revoke({ path: { id: viewer.id } }))
      expect((await raw(server, "/api/v1/leads", { key: viewer.key })).status).toBe(401)
    })

    it("audits key creation as { name, role, prefix } and revocation as {}, as the CLI does", async () => {
      const events = await withClient(server, key, (client) =>
        Effect.gen(function* () {
          const created = yield* client.keys.create({ payload: { name: "audited", role: "member" } })
          yield* client.keys.revoke({ path: { id: created.id } })
          const page = yield* client.audit.list({ urlParams: { entityType: "api_key", entityId: created.id } })
          return { created, items: page.items }
        })
      )
      const byAction = Object.fromEntries(events.items.map((e) => [e.action, e.details]))
      expect(byAction).toEqual({
        create: { name: "audited", role: "member", prefix: events.created.prefix },
        delete: {}
      })
    })

    it("a key of another organization gets 404 for every id of this one", async () => {
      const lead = await (
        await postJson(server, "/api/v1/leads", key, { companyName: "Private", domain: "private.dev" })
      ).json()
      const contact = await (
        await postJson(server, `/api/v1/leads/${lead.id}/contacts`, key, {
          fullName: "Pat Private",
          email: "pat@private.dev"
        })
      ).json()
      const other = await server.newOrganization("admin")
      const paths = [
        `/api/v1/leads/${lead.id}`,
        `/api/v1/leads/${lead.id}/contacts`,
        `/api/v1/leads/${lead.id}/contacts/${contact.id}`,
        `/api/v1/leads/${lead.id}/activities`
      ]
      for (const path of paths) {
        const response = await raw(server, path, { key: other.key })
        expect(response.status, path).toBe(404)
      }
      const patch = await raw(server, `/api/v1/leads/${lead.id}`, {
        method: "PATCH",
        key: other.key,
        headers: { "content-type": "application/json", "if-match": "1" },
        body: JSON.stringify({ notes: "mine now" })
      })
      expect(patch.status).toBe(404)
      expect((await raw(server, `/api/v1/leads/${lead.id}`, { method: "DELETE", key: other.key })).status).toBe(404)
      const status = await postJson(server, `/api/v1/leads/${lead.id}/status`, other.key, { status: "contacted" })
      expect(status.status).toBe(404)
      // Nor does it see the lead in lists, and the same domain is free in its own organization.
      const list = await (await raw(server, "/api/v1/leads?q=private", { key: other.key })).json()
      expect(list.items).toEqual([])
      expect(
        (await postJson(server, "/api/v1/leads", other.key, { companyName: "Mine", domain: "private.dev" })).status
      ).toBe(201)
      const keyId = (await (await raw(server, "/api/v1/keys", { key })).json()).items[0].id
      expect((await raw(server, `/api/v1/keys/${keyId}`, { method: "DELETE", key: other.key })).status).toBe(404)
      // The owner still sees its lead unchanged.
      expect((await (await raw(server, `/api/v1/leads/${lead.id}`, { key })).json()).notes).toBeNull()
    })

    it("replays an idempotent POST, and refuses the same key with another body (422)", async () => {
      const headers = { "idempotency-key": `create-${backend.name}-1` }
      const first = await postJson(server, "/api/v1/leads", key, { companyName: "Idem Co", domain: "idem.co" }, headers)
      expect(first.status).toBe(201)
      const body = await first.json()
      const retry = await postJson(server, "/api/v1/leads", key, { companyName: "Idem Co", domain: "idem.co" }, headers)
      expect(retry.status).toBe(201)
      expect(retry.headers.get("idempotent-replayed")).toBe("true")
      expect((await retry.json()).id).toBe(body.id)
      const other = await postJson(server, "/api/v1/leads", key, { companyName: "Other Co" }, headers)
      expect(other.status).toBe(422)
      expect((await other.json()).code).toBe("idempotency_key_reused")
      const concurrent = await Promise.all(
        [1, 2, 3].map(() =>
          postJson(
            server,
            "/api/v1/leads",
            key,
            { companyName: "Race Co", domain: "race.co" },
            {
              "idempotency-key": `race-${backend.name}`
            }
          )
        )
      )
      // one runs; a retry while it runs is refused with 409 (never made to wait), one after it gets its replay
      const ids = await Promise.all(concurrent.map(async (r) => [r.status, (await r.json()).id]))
      for (const [status] of ids) expect([201, 409]).toContain(status)
      const created = ids.filter(([s]) => s === 201)
      expect(concurrent.filter((r) => r.status === 201 && r.headers.get("idempotent-replayed") === null)).toHaveLength(
        1
      )
      expect(new Set(created.map(([, id]) => id)).size).toBe(1)
      const after = await postJson(
        server,
        "/api/v1/leads",
        key,
        { companyName: "Race Co", domain: "race.co" },
        { "idempotency-key": `race-${backend.name}` }
      )
      expect([after.status, (await after.json()).id]).toEqual([201, created[0]![1]])
    })

    it("campaigns and products: CRUD, If-Match, schema rules as 422", async () => {
      await withClient(server, key, (client) =>
        Effect.gen(function* () {
          const campaign = yield* client.campaigns.create({
            payload: { name: "Q3 outbound", budget: { amount: 500_000, currency: "EUR" } }
          })
          expect(campaign.status).toBe("draft")
          const active = yield* client.campaigns.update({
            path: { id: campaign.id },
            headers: { "if-match": '"1"' },
            payload: { status: "active" }
          })
          expect(active.version).toBe(2)
          const stale = yield* Effect.flip(
            client.campaigns.update({ path: { id: campaign.id }, headers: { "if-match": "1" }, payload: { name: "x" } })
          )
          expect(stale._tag).toBe("PreconditionFailed")
          const backwards = yield* Effect.flip(
            client.campaigns.create({
              payload: { name: "Backwards", startsAt: new Date("2026-02-01"), endsAt: new Date("2026-01-01") }
            })
          )
          expect(backwards).toMatchObject({ _tag: "Unprocessable", code: "validation_failed" })
          const page = yield* client.campaigns.list({ urlParams: {} })
          expect(page.items.map((c) => c.id)).toContain(campaign.id)
          yield* client.campaigns.delete({ path: { id: campaign.id } })
          expect((yield* Effect.flip(client.campaigns.get({ path: { id: campaign.id } })))._tag).toBe("NotFound")

          const product = yield* client.products.create({ payload: { name: "Lead scoring", category: "analytics" } })
          const renamed = yield* client.products.update({
            path: { id: product.id },
            headers: {},
            payload: { name: "Lead scoring Pro", version: 1 }
          })
          expect(renamed.name).toBe("Lead scoring Pro")
          expect((yield* client.products.get({ path: { id: product.id } })).version).toBe(2)
          const products = yield* client.products.list({ urlParams: { limit: 10 } })
          expect(products.items.map((p) => p.id)).toEqual([product.id])
          yield* client.products.delete({ path: { id: product.id } })
          const again = yield* Effect.flip(client.products.delete({ path: { id: product.id } }))
          expect(again._tag).toBe("NotFound")
        })
      )
    })
  })
}
