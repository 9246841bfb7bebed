import { describe, expect, it } from "@effect/vitest"
import {
  AuditLog,
  addContact,
  createLead,
  deleteContact,
  getLeadContact,
  listLeadActivities,
  listLeadContacts,
  recordActivity
} from "@leadforge/domain"
import { Effect } from "effect"
import { ctxA, ctxB, freshLayer, orgA } from "./support.js"

describe("contacts and activities of a lead", () => {
  it.effect("get and list only within the lead and organization; delete rescores and audits { leadId, email }", () =>
    Effect.gen(function* () {
      const lead = yield* createLead(ctxA, { companyName: "Acme", domain: "acme.com" })
      const other = yield* createLead(ctxA, { companyName: "Globex", domain: "globex.com" })
      const { contact } = yield* addContact(ctxA, lead.id, { firstName: "Ada", lastName: "L", email: "ada@acme.com" })
      expect((yield* getLeadContact(ctxA, lead.id, contact.id)).id).toBe(contact.id)
      expect(yield* Effect.flip(getLeadContact(ctxA, other.id, contact.id))).toMatchObject({ _tag: "ContactNotFound" })
      expect(yield* Effect.flip(getLeadContact(ctxB, lead.id, contact.id))).toMatchObject({ _tag: "ContactNotFound" })
      expect((yield* listLeadContacts(ctxA, lead.id)).map((c) => c.id)).toEqual([contact.id])
      expect(yield* Effect.flip(listLeadContacts(ctxB, lead.id))).toMatchObject({ _tag: "LeadNotFound" })

      yield* recordActivity(ctxA, lead.id, { kind: "note", occurredAt: new Date(), summary: "hi", contactId: null })
      expect((yield* listLeadActivities(ctxA, lead.id)).map((a) => a.kind)).toEqual(["note"])
      expect(yield* Effect.flip(listLeadActivities(ctxB, lead.id))).toMatchObject({ _tag: "LeadNotFound" })

      expect(yield* Effect.flip(deleteContact(ctxA, other.id, contact.id))).toMatchObject({ _tag: "ContactNotFound" })
      yield* deleteContact(ctxA, lead.id, contact.id)
      expect(yield* listLeadContacts(ctxA, lead.id)).toEqual([])
      const deleted = (yield* (yield* AuditLog).chain(orgA)).filter(
        (e) => e.entityType === "contact" && e.action === "delete"
      )
      expect(deleted.map((e) => e.entityId)).toEqual([contact.id])
      expect(Object.keys(deleted[0]!.details).sort()).toEqual(["email", "leadId"])
    }).pipe(Effect.provide(freshLayer()))
  )
})
