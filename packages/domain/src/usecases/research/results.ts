import { Schema } from "effect"
import type { ContactId, LeadId } from "../../model/ids.js"
import type { Usage } from "../../ports/LanguageModel.js"
import type { ContactIssue } from "../../rules/contact.js"
import type { CrawlWebsiteResult } from "../website/crawlWebsite.js"

/** One person the model proposes; every field is optional because validation decides. */
export const ProposedContact = Schema.Struct({
  fullName: Schema.optional(Schema.NullOr(Schema.String)),
  firstName: Schema.optional(Schema.NullOr(Schema.String)),
  lastName: Schema.optional(Schema.NullOr(Schema.String)),
  email: Schema.optional(Schema.NullOr(Schema.String)),
  jobTitle: Schema.optional(Schema.NullOr(Schema.String)),
  phone: Schema.optional(Schema.NullOr(Schema.String)),
  linkedinUrl: Schema.optional(Schema.NullOr(Schema.String)),
  /** Why the model thinks this person works there. */
  reason: Schema.optional(Schema.NullOr(Schema.String))
})
export type ProposedContact = typeof ProposedContact.Type

/** What find_contacts asks the model for. */
export const ContactProposals = Schema.Struct({ contacts: Schema.Array(ProposedContact) })

export interface AddedContact {
  readonly contactId: ContactId
  readonly name: string
  readonly email: string | null
  readonly emailStatus: string
  readonly jobTitle: string | null
  /** True when an earlier attempt of the same task stored it (the task is idempotent). */
  readonly fromEarlierAttempt: boolean
}

export interface SkippedProposal {
  readonly proposal: ProposedContact
  /** The stored contact it duplicates (null when it duplicates an earlier proposal of the same reply). */
  readonly existingContactId: ContactId | null
  readonly reason: string
}

export interface RejectedProposal {
  readonly proposal: ProposedContact
  readonly issues: ReadonlyArray<ContactIssue>
}

export interface FindContactsResult {
  readonly kind: "find_contacts"
  readonly leadId: LeadId
  readonly added: ReadonlyArray<AddedContact>
  readonly duplicates: ReadonlyArray<SkippedProposal>
  readonly rejected: ReadonlyArray<RejectedProposal>
  readonly usage: Usage
}

export interface EnrichCompanyResult {
  readonly kind: "enrich_company"
  readonly leadId: LeadId
  readonly sourceId: string
  readonly leadScore: number
  readonly claims: ReadonlyArray<{
    readonly field: string
    readonly value: unknown
    readonly confidence: number
    readonly applied: boolean
    readonly lowConfidence: boolean
    readonly reason: string
  }>
  readonly usage: Usage
  /** The crawl run first when the request asked for `crawl: true`. */
  readonly crawl?: CrawlWebsiteResult
}

export interface QueryResult {
  readonly kind: "query"
  readonly answer: string
  readonly usage: Usage
}

export type ResearchResult = FindContactsResult | EnrichCompanyResult | QueryResult | CrawlWebsiteResult
