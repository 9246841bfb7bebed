import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { backends, postJson, type RunningServer, raw, startServer, withClient } from "./support.js"

/** Contacts across leads: the organization-wide list, full-text search, and one contact with what belongs to it. */
for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`contacts across leads over ${backend.name}`, () => {
    let server: RunningServer
    let key: string
    let acme: { id: string }
    let initech: { id: string }
    let ada: { id: string }
    let grace: { id: string }

    beforeAll(async () => {
      const persistence = await backend.persistence()
      if (persistence === null) throw new Error(`no ${backend.name} database: set DATABASE_URL`)
      server = await startServer(persistence, backend.env)
      key = server.adminKey
      const lead = async (body: object) => (await postJson(server, "/api/v1/leads", key, body)).json()
      acme = await lead({ companyName: "Acme Robotics", domain: "acme-robotics.com" })
      initech = await lead({ companyName: "Initech", domain: "initech.com" })
      const contactOf = async (leadId: string, body: object) =>
        (await postJson(server, `/api/v1/leads/${leadId}/contacts`, key, body)).json()
      ada = await contactOf(acme.id, { fullName: "Ada Lovelace", email: "ada@acme-robotics.com", jobTitle: "CTO" })
      await contactOf(acme.id, { fullName: "Bob Roberts", email: "bob@acme-robotics.com", jobTitle: "Sales Manager" })
      grace = await contactOf(initech.id, { fullName: "Grace Hopper", email: "grace@gmail.com", jobTitle: "VP Sales" })
    })
    afterAll(() => server?.close())

    it("lists contacts across leads, newest first, by keyset, with filters", async () => {
      await withClient(server, key, (client) =>
        Effect.gen(function* () {
          const first = yield* client.contacts.listAll({ urlParams: { limit: 2 } })
          expect(first.items).toHaveLength(2)
          expect(first.items[0]!.id).toBe(grace.id)
          const second = yield* client.contacts.listAll({ urlParams: { limit: 2, cursor: first.nextCursor! } })
          expect(second.items.map((c) => c.id)).toEqual([ada.id])
          expect(second.nextCursor).toBeNull()
          const ofAcme = yield* client.contacts.listAll({ urlParams: { leadId: acme.id as never } })
          expect(ofAcme.items.map((c) => c.leadId)).toEqual([acme.id, acme.id])
          const vps = yield* client.contacts.listAll({ urlParams: { seniority: "vp", department: "sales" } })
          expect(vps.items.map((c) => c.id)).toEqual([grace.id])
          const manual = yield* client.contacts.listAll({ urlParams: { source: "manual", emailStatus: "valid" } })
          expect(manual.items.length).toBeGreaterThan(0)
        })
      )
      const bad = await raw(server, "/api/v1/contacts?seniority=emperor&limit=0", { key })
      expect(bad.status).toBe(400)
      const fields = (await bad.json()).errors.map((e: { field: string }) => e.field)
      expect(fields).toEqual(expect.arrayContaining(["seniority", "limit"]))
      expect((await raw(server, "/api/v1/contacts?cursor=nonsense", { key })).status).toBe(422)
    })

    it("searches by name, email, title and company, best first", async () => {
      await withClient(server, key, (client) =>
        Effect.gen(function* () {
          const byName = yield* client.contacts.search({ urlParams: { q: "lovel" } })
          expect(byName.items.map((h) => [h.rank, h.contact.id])).toEqual([[1, ada.id]])
          const byCompany = yield* client.contacts.search({ urlParams: { q: "Acme" } })
          expect(byCompany.items).toHaveLength(2)
          const bySales = yield* client.contacts.search({ urlParams: { q: "sales" } })
          expect(bySales.items).toHaveLength(2)
          const both = yield* client.contacts.search({ urlParams: { q: "grace sales" } })
          expect(both.items.map((h) => h.contact.id)).toEqual([grace.id])
        })
      )
      expect((await raw(server, "/api/v1/contacts/search?q=", { key })).status).toBe(400)
    })

    it("gets a contact with its lead, activities and conversations as asked", async () => {
      await postJson(server, `/api/v1/leads/${acme.id}/activities`, key, {
        kind: "call",
        occurredAt: new Date().toISOString(),
        contactId: ada.id,
        summary: "intro"
      })
      await postJson(server, `/api/v1/leads/${acme.id}/activities`, key, {
        kind: "note",
        occurredAt: new Date().toISOString()
      })
      const plain = await raw(server, `/api/v1/contacts/${ada.id}`, { key })
      expect(plain.status).toBe(200)
      expect(plain.headers.get("etag")).toBe('"1"')
      const body = await plain.json()
      expect(body.contact.id).toBe(ada.id)
      expect(body.lead).toBeUndefined()
      await withClient(server, key, (client) =>
        Effect.gen(function* () {
          const full = yield* client.contacts.getById({
            path: { id: ada.id as never },
            urlParams: { include: ["lead", "activities", "conversations"] }
          })
          expect(full.lead?.companyName).toBe("Acme Robotics")
          expect(full.activities?.map((a) => a.summary)).toEqual(["intro"])
          expect(full.conversations).toEqual([])
        })
      )
      const bad = await raw(server, `/api/v1/contacts/${ada.id}?include=lead,friends`, { key })
      expect(bad.status).toBe(400)
      expect((await raw(server, `/api/v1/contacts/${crypto.randomUUID()}`, { key })).status).toBe(404)
    })

    it("another organization sees none of it", async () => {
      const other = await server.newOrganization()
      const list = await (await raw(server, "/api/v1/contacts", { key: other.key })).json()
      expect(list.items).toEqual([])
      const search = await (await raw(server, "/api/v1/contacts/search?q=ada", { key: other.key })).json()
      expect(search.items).toEqual([])
      expect((await raw(server, `/api/v1/contacts/${ada.id}`, { key: other.key })).status).toBe(404)
    })

    it("shows the routes in the OpenAPI document", async () => {
      const spec = await (await raw(server, "/openapi.json")).json()
      expect(Object.keys(spec.paths)).toEqual(
        expect.arrayContaining(["/api/v1/contacts", "/api/v1/contacts/search", "/api/v1/contacts/{id}"])
      )
    })
  })
}
