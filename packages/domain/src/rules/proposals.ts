import type { Contact, ContactFields } from "../model/Contact.js"
import type { ContactId } from "../model/ids.js"
import { type ContactIssue, type ContactValidation, validateContact } from "./contact.js"
import { contactIdentity } from "./dedupe.js"

/** One person a language model proposes for a lead; every field is optional because validation decides. */
export interface ContactProposal {
  readonly fullName?: string | null | undefined
  readonly firstName?: string | null | undefined
  readonly lastName?: string | null | undefined
  readonly email?: string | null | undefined
  readonly jobTitle?: string | null | undefined
  readonly phone?: string | null | undefined
  readonly linkedinUrl?: string | null | undefined
}

/** What becomes of one proposal, before any lookup outside the lead. */
export type ProposalDecision<P extends ContactProposal> =
  /** Fails validation, or has neither an email nor a name to tell it apart. */
  | { readonly _tag: "Rejected"; readonly proposal: P; readonly issues: ReadonlyArray<ContactIssue> }
  /** The same person as an earlier proposal of this reply, or as a contact the lead already has. */
  | {
      readonly _tag: "Duplicate"
      readonly proposal: P
      readonly existingContactId: ContactId | null
      readonly reason: string
    }
  /** Stored by an earlier attempt of the same task: reported as added, not stored again. */
  | { readonly _tag: "AddedEarlier"; readonly proposal: P; readonly contact: Contact }
  /** A new person for this lead; it is stored unless another contact of the organization has its email. */
  | { readonly _tag: "New"; readonly proposal: P; readonly validation: ContactValidation }

export interface ProposalContext {
  /** The lead the proposals are for. */
  readonly leadId: string
  readonly companyDomain: string | null
  /** The lead's stored contacts. */
  readonly stored: ReadonlyArray<Contact>
  /** The research task proposing them: contacts whose provenance names it were added by an earlier attempt. */
  readonly taskId: string
}

/** The fields a proposal is validated with; its contacts' source is research. */
export const proposalFields = (proposal: ContactProposal): ContactFields => ({
  firstName: proposal.firstName ?? null,
  lastName: proposal.lastName ?? null,
  fullName: proposal.fullName ?? null,
  email: proposal.email ?? null,
  jobTitle: proposal.jobTitle ?? null,
  phone: proposal.phone ?? null,
  linkedinUrl: proposal.linkedinUrl ?? null,
  source: "research"
})

/** Whether `contact` was stored by the task `taskId` (its provenance names the task). */
export const addedByTask = (contact: Contact, taskId: string): boolean =>
  contact.source === "research" && Object.values(contact.provenance).some((p) => p.sourceId === taskId)

/**
 * Decides, in order, what becomes of each proposal: invalid ones are rejected, repeats of an earlier proposal or
 * of a stored contact of the lead (by email, else by name within the lead) are duplicates, people an earlier
 * attempt of the same task stored count as added, and the rest are new. The first proposal of an identity wins.
 */
export const classifyProposals = <P extends ContactProposal>(
  proposals: ReadonlyArray<P>,
  context: ProposalContext
): Array<ProposalDecision<P>> => {
  const stored = new Map<string, Contact>()
  for (const contact of context.stored) {
    const identity = contactIdentity(contact, context.leadId)
    if (identity !== null) stored.set(identity.key, contact)
  }
  const seen = new Set<string>()
  return proposals.map((proposal): ProposalDecision<P> => {
    const validation = validateContact(proposalFields(proposal), { companyDomain: context.companyDomain })
    if (validation.status === "invalid") return { _tag: "Rejected", proposal, issues: validation.issues }
    const identity = contactIdentity(validation.contact, context.leadId)
    if (identity === null) {
      return {
        _tag: "Rejected",
        proposal,
        issues: [{ field: "email", code: "missing_email", message: "neither an email nor a name" }]
      }
    }
    if (seen.has(identity.key)) {
      return {
        _tag: "Duplicate",
        proposal,
        existingContactId: null,
        reason: "repeats an earlier proposal in this reply"
      }
    }
    seen.add(identity.key)
    const sameLead = stored.get(identity.key)
    if (sameLead !== undefined && addedByTask(sameLead, context.taskId)) {
      return { _tag: "AddedEarlier", proposal, contact: sameLead }
    }
    if (sameLead !== undefined) {
      return {
        _tag: "Duplicate",
        proposal,
        existingContactId: sameLead.id,
        reason: "the lead already has this contact"
      }
    }
    return { _tag: "New", proposal, validation }
  })
}

const RESEARCHED_FIELDS = ["firstName", "lastName", "email", "jobTitle", "phone", "linkedinUrl"] as const

/** The fields of a validated contact that carry a value, each to be attributed to the research that found it. */
export const researchedFields = (validation: ContactValidation): Array<(typeof RESEARCHED_FIELDS)[number]> =>
  RESEARCHED_FIELDS.filter((field) => validation.contact[field] !== null)
