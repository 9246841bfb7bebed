import { describe, expect, it } from "@effect/vitest"
import { FastCheck } from "effect"
import {
  type ContactId,
  type ContactProposal,
  classifyProposals,
  FieldProvenance,
  type LeadId,
  newId,
  type OrganizationId
} from "../src/index.js"
import { Contact } from "../src/model/Contact.js"

const leadId = newId<LeadId>()
const taskId = newId()
const at = new Date("2026-01-01T00:00:00.000Z")

const stored = (email: string, provenanceTask: string | null): Contact =>
  new Contact({
    id: newId<ContactId>(),
    organizationId: newId<OrganizationId>(),
    leadId,
    firstName: "Stored",
    lastName: "Person",
    email,
    emailStatus: "valid",
    emailConfidence: 90,
    jobTitle: null,
    seniority: "unknown",
    department: "unknown",
    phone: null,
    linkedinUrl: null,
    source: provenanceTask === null ? "manual" : "research",
    provenance:
      provenanceTask === null
        ? {}
        : {
            email: new FieldProvenance({ origin: "research", confidence: 80, observedAt: at, sourceId: provenanceTask })
          },
    createdAt: at,
    updatedAt: at,
    version: 1
  })

const context = (contacts: ReadonlyArray<Contact> = []) => ({
  leadId,
  companyDomain: "acme.com",
  stored: contacts,
  taskId
})

describe("classifyProposals", () => {
  it("rejects invalid proposals and ones with neither email nor name", () => {
    const decisions = classifyProposals([{ email: "not an email" }, { jobTitle: "CTO" }], context())
    expect(decisions.map((d) => d._tag)).toEqual(["Rejected", "Rejected"])
  })

  it("keeps the first of a repeated identity, and reports what the lead already has", () => {
    const existing = stored("grace@acme.com", null)
    const decisions = classifyProposals(
      [
        { firstName: "Ada", lastName: "Lovelace", email: "ada@acme.com" },
        { firstName: "Ada", lastName: "Lovelace", email: "ADA@acme.com" },
        { firstName: "Grace", lastName: "Hopper", email: "grace@acme.com" }
      ],
      context([existing])
    )
    expect(decisions.map((d) => d._tag)).toEqual(["New", "Duplicate", "Duplicate"])
    expect(decisions[1]).toMatchObject({ existingContactId: null, reason: "repeats an earlier proposal in this reply" })
    expect(decisions[2]).toMatchObject({ existingContactId: existing.id, reason: "the lead already has this contact" })
  })

  it("counts a contact an earlier attempt of the same task stored as added, not new", () => {
    const mine = stored("ada@acme.com", taskId)
    const theirs = stored("grace@acme.com", newId())
    const decisions = classifyProposals(
      [
        { firstName: "Ada", lastName: "Lovelace", email: "ada@acme.com" },
        { firstName: "Grace", lastName: "Hopper", email: "grace@acme.com" }
      ],
      context([mine, theirs])
    )
    expect(decisions[0]).toMatchObject({ _tag: "AddedEarlier", contact: { id: mine.id } })
    expect(decisions[1]).toMatchObject({ _tag: "Duplicate", existingContactId: theirs.id })
  })

  const arbitraryProposal: FastCheck.Arbitrary<ContactProposal> = FastCheck.record(
    {
      firstName: FastCheck.constantFrom("Ada", "Grace", "Alan", null),
      lastName: FastCheck.constantFrom("Lovelace", "Hopper", "Turing", null),
      email: FastCheck.constantFrom("ada@acme.com", "grace@acme.com", "ALAN@acme.com", "bad@", null)
    },
    { requiredKeys: [] }
  )

  it("decides once per proposal, in order, and never twice New for one identity (property)", () => {
    FastCheck.assert(
      FastCheck.property(FastCheck.array(arbitraryProposal, { maxLength: 12 }), (proposals) => {
        const decisions = classifyProposals(proposals, context())
        expect(decisions.map((d) => d.proposal)).toEqual(proposals)
        const fresh = decisions.flatMap((d) => (d._tag === "New" ? [d.validation.contact] : []))
        const keys = fresh.map((c) => c.email?.toLowerCase() ?? `${c.firstName} ${c.lastName}`)
        expect(new Set(keys).size).toBe(keys.length)
        // with nothing stored nothing is a duplicate of the lead or an earlier attempt
        for (const d of decisions) {
          if (d._tag === "Duplicate") expect(d.existingContactId).toBeNull()
          expect(d._tag).not.toBe("AddedEarlier")
        }
      })
    )
  })

  it("is pure: the same input gives the same decisions (property)", () => {
    FastCheck.assert(
      FastCheck.property(FastCheck.array(arbitraryProposal, { maxLength: 8 }), (proposals) => {
        const contacts = [stored("ada@acme.com", taskId)]
        expect(classifyProposals(proposals, context(contacts))).toEqual(classifyProposals(proposals, context(contacts)))
      })
    )
  })
})
