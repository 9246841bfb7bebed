import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { backends, postJson, type RunningServer, raw, startServer, withClient } from "./support.js"

/**
 * Regression tests for the four data bugs of issue 17, over HTTP on each database: each failed on the code before
 * the fix (a deleted lead's contact blocked its email with a 409; nextFollowUpAt was refused with a 422; a German
 * national phone number was stored as null; an empty PATCH bumped the version and wrote an audit event).
 */
for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`data bugs over ${backend.name}`, () => {
    let server: RunningServer
    let key: string

    beforeAll(async () => {
      const persistence = await backend.persistence()
      if (persistence === null) throw new Error(`no ${backend.name} database: set DATABASE_URL`)
      server = await startServer(persistence, backend.env)
      key = server.adminKey
    })
    afterAll(() => server?.close())

    const patch = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      raw(server, path, {
        method: "PATCH",
        key,
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(body)
      })
    const auditOf = async (entityType: string, entityId: string) =>
      (await (await raw(server, `/api/v1/audit?entityType=${entityType}&entityId=${entityId}`, { key })).json())
        .items as ReadonlyArray<{ action: string; details: Record<string, unknown> }>

    it("deleting a lead deletes its contacts and activities, audits them, and frees the contact's email", async () => {
      const lead = await (
        await postJson(server, "/api/v1/leads", key, { companyName: "Gone Co", domain: "gone.co" })
      ).json()
      const contact = await (
        await postJson(server, `/api/v1/leads/${lead.id}/contacts`, key, { fullName: "Ada Gone", email: "ada@gone.co" })
      ).json()
      expect(
        (await postJson(server, `/api/v1/leads/${lead.id}/activities`, key, { kind: "note", occurredAt: new Date() }))
          .status
      ).toBe(201)
      expect((await raw(server, `/api/v1/leads/${lead.id}`, { method: "DELETE", key })).status).toBe(204)

      const again = await (
        await postJson(server, "/api/v1/leads", key, { companyName: "Gone Co again", domain: "gone.co" })
      ).json()
      const readded = await postJson(server, `/api/v1/leads/${again.id}/contacts`, key, {
        fullName: "Ada Gone",
        email: "ada@gone.co"
      })
      expect(readded.status).toBe(201)
      expect((await readded.json()).id).not.toBe(contact.id)

      const leadEvents = await auditOf("lead", lead.id)
      expect(leadEvents.map((e) => e.action)).toEqual(["create", "delete"])
      expect(leadEvents[1]!.details).toMatchObject({
        removed: { contacts: 1, activities: 1, conversations: 0, dataSources: 0 },
        unlinked: { knowledgeDocs: 0, researchTasks: 0 }
      })
      const contactEvents = await auditOf("contact", contact.id)
      expect(contactEvents.map((e) => [e.action, e.details.cause ?? null])).toEqual([
        ["create", null],
        ["delete", "lead_deleted"]
      ])
      const verified = await (await raw(server, "/api/v1/audit/verify", { key })).json()
      expect(verified.valid).toBe(true)
    })

    it("sets nextFollowUpAt on create and update, as JSON and through the typed client", async () => {
      const created = await postJson(server, "/api/v1/leads", key, {
        companyName: "Follow Up Co",
        domain: "follow-up.co",
        nextFollowUpAt: "2027-01-10T09:00:00Z"
      })
      expect(created.status).toBe(201)
      const lead = await created.json()
      expect(lead.nextFollowUpAt).toBe("2027-01-10T09:00:00.000Z")
      const patched = await patch(
        `/api/v1/leads/${lead.id}`,
        { nextFollowUpAt: "2027-02-01T08:30:00Z" },
        {
          "if-match": '"1"'
        }
      )
      expect(patched.status).toBe(200)
      expect((await patched.json()).nextFollowUpAt).toBe("2027-02-01T08:30:00.000Z")
      // a later patch of another field keeps the date (the stored Date goes through validation again)
      const other = await patch(`/api/v1/leads/${lead.id}`, { notes: "call back" }, { "if-match": '"2"' })
      expect(other.status).toBe(200)
      expect((await other.json()).nextFollowUpAt).toBe("2027-02-01T08:30:00.000Z")

      await withClient(server, key, (client) =>
        Effect.gen(function* () {
          const typed = yield* client.leads.create({
            payload: { companyName: "Typed Follow Up", nextFollowUpAt: new Date("2027-03-01T10:00:00Z") }
          })
          expect(typed.nextFollowUpAt?.toISOString()).toBe("2027-03-01T10:00:00.000Z")
          const moved = yield* client.leads.update({
            path: { id: typed.id },
            headers: { "if-match": '"1"' },
            payload: { nextFollowUpAt: null }
          })
          expect(moved.nextFollowUpAt).toBeNull()
        })
      )
    })

    it("reads a contact's national phone number with the lead's country, and refuses one that does not parse", async () => {
      const german = await (
        await postJson(server, "/api/v1/leads", key, {
          companyName: "Berlin GmbH",
          domain: "berlin-gmbh.de",
          location: { city: "Berlin", country: "DE" }
        })
      ).json()
      const created = await postJson(server, `/api/v1/leads/${german.id}/contacts`, key, {
        fullName: "Hanna Schmidt",
        email: "hanna@berlin-gmbh.de",
        phone: "030 1234567"
      })
      expect(created.status).toBe(201)
      const contact = await created.json()
      expect(contact.phone).toBe("+49301234567")

      const refused = await postJson(server, `/api/v1/leads/${german.id}/contacts`, key, {
        fullName: "Karl Kurz",
        email: "karl@berlin-gmbh.de",
        phone: "12"
      })
      expect(refused.status).toBe(422)
      const problem = await refused.json()
      expect(problem.errors).toEqual([expect.objectContaining({ field: "phone", code: "phone_invalid" })])
      expect(problem.errors[0].message).toContain("DE")

      // no country on the lead: a national number cannot be read, and says how to give it
      const nowhere = await (await postJson(server, "/api/v1/leads", key, { companyName: "Nowhere Ltd" })).json()
      const national = await postJson(server, `/api/v1/leads/${nowhere.id}/contacts`, key, {
        fullName: "Nora Nowhere",
        phone: "030 1234567"
      })
      expect(national.status).toBe(422)
      expect((await national.json()).errors.map((e: { field: string }) => e.field)).toEqual(["phone"])
      const international = await postJson(server, `/api/v1/leads/${nowhere.id}/contacts`, key, {
        fullName: "Nora Nowhere",
        phone: "+49 30 1234567"
      })
      expect((await international.json()).phone).toBe("+49301234567")

      // an update is read the same way, and a refused one changes nothing
      const path = `/api/v1/leads/${german.id}/contacts/${contact.id}`
      const badUpdate = await patch(path, { phone: "12" })
      expect(badUpdate.status).toBe(422)
      const updated = await patch(path, { phone: "089 123456" })
      expect(updated.status).toBe(200)
      expect((await updated.json()).phone).toBe("+4989123456")
      // nothing half-written: only the create and the one good update are in the contact's history
      expect((await auditOf("contact", contact.id)).map((e) => e.action)).toEqual(["create", "update"])
    })

    it("a PATCH that changes nothing answers 200 with the same version and writes no audit event", async () => {
      const lead = await (
        await postJson(server, "/api/v1/leads", key, {
          companyName: "Still Co",
          domain: "still.co",
          industry: "Retail"
        })
      ).json()
      for (const body of [{}, { industry: "Retail" }, { companyName: "Still Co", tags: [] }]) {
        const response = await patch(`/api/v1/leads/${lead.id}`, body, { "if-match": '"1"' })
        expect(response.status, JSON.stringify(body)).toBe(200)
        expect(response.headers.get("etag")).toBe('"1"')
        expect((await response.json()).version).toBe(1)
      }
      expect((await auditOf("lead", lead.id)).map((e) => e.action)).toEqual(["create"])
      // a stale version is still refused, even when nothing would change
      expect((await patch(`/api/v1/leads/${lead.id}`, {}, { "if-match": '"7"' })).status).toBe(412)
      // a real change still writes
      const changed = await patch(`/api/v1/leads/${lead.id}`, { industry: "Software" }, { "if-match": '"1"' })
      expect((await changed.json()).version).toBe(2)

      const contact = await (
        await postJson(server, `/api/v1/leads/${lead.id}/contacts`, key, {
          fullName: "Sam Still",
          email: "sam@still.co"
        })
      ).json()
      const path = `/api/v1/leads/${lead.id}/contacts/${contact.id}`
      for (const body of [{}, { email: "sam@still.co" }, { firstName: "Sam" }]) {
        const response = await patch(path, body)
        expect(response.status, JSON.stringify(body)).toBe(200)
        expect((await response.json()).version).toBe(1)
      }
      expect((await auditOf("contact", contact.id)).map((e) => e.action)).toEqual(["create"])
    })
  })
}
