import { describe, expect, it } from "@effect/vitest"
import {
  AuditLog,
  addContact,
  ContactRepository,
  createLead,
  recordActivity,
  updateContact,
  verifyAuditChain
} from "@leadforge/domain"
import { Effect, Exit, Option } from "effect"
import { ctxA, ctxB, freshLayer, orgA, storedCounts } from "./support.js"

const failureOf = <A, E>(exit: Exit.Exit<A, E>) =>
  Exit.isFailure(exit) && exit.cause._tag === "Fail" ? exit.cause.error : undefined

describe("contact and activity use cases", () => {
  it.effect("addContact validates against the lead, stores, rescores and audits", () =>
    Effect.gen(function* () {
      const lead = yield* createLead(ctxA, { companyName: "Acme", domain: "acme.com" })
      const { contact } = yield* addContact(ctxA, lead.id, {
        firstName: "Ada",
        lastName: "Lovelace",
        email: "Ada.Lovelace@Acme.com",
        jobTitle: "VP Engineering"
      })
      expect(contact.leadId).toBe(lead.id)
      expect(contact.email?.toLowerCase()).toBe("ada.lovelace@acme.com")
      expect(contact.seniority).toBe("vp")
      const found = yield* (yield* ContactRepository).findByEmail(orgA, "ADA.LOVELACE@acme.com")
      expect(Option.getOrThrow(found).id).toBe(contact.id)
      const chain = yield* (yield* AuditLog).chain(orgA)
      const event = chain.find((e) => e.entityType === "contact")
      expect(event?.action).toBe("create")
      expect(JSON.stringify(event?.details)).not.toContain("ada.lovelace@acme.com")
    }).pipe(Effect.provide(freshLayer()))
  )

  it.effect("addContact rejects an invalid email and a duplicate", () =>
    Effect.gen(function* () {
      const lead = yield* createLead(ctxA, { companyName: "Acme", domain: "acme.com" })
      const invalid = failureOf(yield* addContact(ctxA, lead.id, { email: "not an email" }).pipe(Effect.exit))
      expect(invalid?._tag).toBe("ValidationFailed")
      expect(invalid?._tag === "ValidationFailed" && invalid.issues.map((i) => i.field)).toContain("email")
      const { contact } = yield* addContact(ctxA, lead.id, { firstName: "Ada", email: "ada@acme.com" })
      const duplicate = failureOf(
        yield* addContact(ctxA, lead.id, { firstName: "Ada", email: "ADA@acme.com" }).pipe(Effect.exit)
      )
      expect(duplicate?._tag === "DuplicateContact" && duplicate.existingContactId).toBe(contact.id)
      expect((yield* storedCounts).contacts).toBe(1)
    }).pipe(Effect.provide(freshLayer()))
  )

  it.effect("updateContact revalidates and checks the version; other organizations see nothing", () =>
    Effect.gen(function* () {
      const lead = yield* createLead(ctxA, { companyName: "Acme", domain: "acme.com" })
      const { contact } = yield* addContact(ctxA, lead.id, { firstName: "Ada", email: "ada@acme.com" })
      const { contact: updated } = yield* updateContact(ctxA, contact.id, { jobTitle: "CTO" }, { expectedVersion: 1 })
      expect(updated.version).toBe(2)
      expect(updated.seniority).toBe("c_level")
      const stale = failureOf(
        yield* updateContact(ctxA, contact.id, { jobTitle: "CEO" }, { expectedVersion: 1 }).pipe(Effect.exit)
      )
      expect(stale?._tag).toBe("VersionConflict")
      const foreign = failureOf(yield* updateContact(ctxB, contact.id, { jobTitle: "CEO" }).pipe(Effect.exit))
      expect(foreign?._tag).toBe("ContactNotFound")
    }).pipe(Effect.provide(freshLayer()))
  )

  it.effect("recordActivity stores, rescores and keeps the audit chain valid", () =>
    Effect.gen(function* () {
      const lead = yield* createLead(ctxA, { companyName: "Acme", domain: "acme.com", industry: "software" })
      const { contact } = yield* addContact(ctxA, lead.id, { firstName: "Ada", email: "ada@acme.com" })
      const result = yield* recordActivity(ctxA, lead.id, {
        kind: "meeting",
        occurredAt: new Date(0),
        summary: "intro call",
        contactId: contact.id
      })
      expect(result.activity.leadId).toBe(lead.id)
      expect(result.lead.leadScore).toBe(result.score.score)
      const chain = yield* (yield* AuditLog).chain(orgA)
      expect(chain.map((e) => e.entityType)).toEqual(["lead", "contact", "activity"])
      expect(verifyAuditChain(chain)).toEqual({ valid: true, length: 3 })
    }).pipe(Effect.provide(freshLayer()))
  )
})
