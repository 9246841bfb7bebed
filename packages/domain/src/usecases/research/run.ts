import { Effect, Option } from "effect"
import { Contact } from "../../model/Contact.js"
import { FieldProvenance } from "../../model/common.js"
import { type ContactId, newId } from "../../model/ids.js"
import type { ResearchTask } from "../../model/ResearchTask.js"
import { ContactRepository } from "../../ports/ContactRepository.js"
import { LanguageModel } from "../../ports/LanguageModel.js"
import { classifyProposals, researchedFields } from "../../rules/proposals.js"
import { enrichLead } from "../enrichLead.js"
import { rescoreStored } from "../Scoring.js"
import { audit, currentDate, loadLead, transactionally, type UseCaseContext } from "../UseCaseContext.js"
import { crawlWebsite, withWebResearch } from "../website/crawlWebsite.js"
import { companyLines, FIND_CONTACTS_SYSTEM, QUERY_SYSTEM } from "./prompts.js"
import {
  DEFAULT_CONTACT_PROPOSALS,
  type EnrichCompanyRequest,
  type FindContactsRequest,
  type QueryRequest
} from "./requests.js"
import {
  type AddedContact,
  ContactProposals,
  type EnrichCompanyResult,
  type FindContactsResult,
  type QueryResult,
  type RejectedProposal,
  type SkippedProposal
} from "./results.js"

const describeAdded = (contact: Contact) => ({
  contactId: contact.id,
  name: contact.fullName,
  email: contact.email,
  emailStatus: contact.emailStatus,
  jobTitle: contact.jobTitle
})

/** Asks the model for people at the lead's company, then stores the new ones in one transaction. */
export const findContacts = (ctx: UseCaseContext, task: ResearchTask, request: typeof FindContactsRequest.Type) =>
  Effect.gen(function* () {
    const lead = yield* loadLead(ctx, request.leadId)
    const limit = request.limit ?? DEFAULT_CONTACT_PROPOSALS
    const known = yield* (yield* ContactRepository).listByLead(ctx.organizationId, lead.id)
    const { value: reply, usage } = yield* (yield* LanguageModel).generateObject(ContactProposals, {
      system: FIND_CONTACTS_SYSTEM,
      user: [
        ...companyLines(lead),
        known.length === 0
          ? "Known contacts: none."
          : `Known contacts (do not repeat): ${known.map((c) => c.fullName || c.email).join("; ")}`,
        request.instructions === undefined || request.instructions === ""
          ? undefined
          : `Focus: ${request.instructions}`,
        `Propose at most ${limit} people.`
      ]
        .filter((line) => line !== undefined)
        .join("\n"),
      organizationId: ctx.organizationId
    })
    const proposals = reply.contacts.slice(0, limit)

    return yield* Effect.gen(function* () {
      const contacts = yield* ContactRepository
      const current = yield* loadLead(ctx, lead.id)
      const now = yield* currentDate
      const decisions = classifyProposals(proposals, {
        leadId: current.id,
        companyDomain: current.domain,
        stored: yield* contacts.listByLead(ctx.organizationId, current.id),
        taskId: task.id
      })
      const added: Array<AddedContact> = []
      const duplicates: Array<SkippedProposal> = []
      const rejected: Array<RejectedProposal> = []
      for (const decision of decisions) {
        const { proposal } = decision
        switch (decision._tag) {
          case "Rejected":
            rejected.push({ proposal, issues: decision.issues })
            continue
          case "Duplicate":
            duplicates.push({ proposal, existingContactId: decision.existingContactId, reason: decision.reason })
            continue
          case "AddedEarlier":
            // stored by an earlier attempt of this very task (a worker that stopped before recording the result)
            added.push({ ...describeAdded(decision.contact), fromEarlierAttempt: true })
            continue
        }
        const { validation } = decision
        if (validation.contact.email !== null) {
          const elsewhere = yield* contacts.findByEmail(ctx.organizationId, validation.contact.email)
          if (Option.isSome(elsewhere)) {
            duplicates.push({
              proposal,
              existingContactId: elsewhere.value.id,
              reason: "another contact of the organization has this email"
            })
            continue
          }
        }
        const provenance: Record<string, FieldProvenance> = {}
        for (const field of researchedFields(validation)) {
          provenance[field] = new FieldProvenance({
            origin: "research",
            confidence: Math.round(validation.confidence),
            observedAt: now,
            sourceId: task.id,
            model: usage.model
          })
        }
        const contact = yield* contacts.insert(
          new Contact({
            id: newId<ContactId>(),
            organizationId: ctx.organizationId,
            leadId: current.id,
            ...validation.contact,
            emailConfidence: Math.round(validation.contact.emailConfidence),
            source: "research",
            provenance,
            createdAt: now,
            updatedAt: now,
            version: 1
          })
        )
        yield* audit(ctx, "create", "contact", contact.id, {
          leadId: current.id,
          email: contact.email,
          emailStatus: contact.emailStatus,
          researchTaskId: task.id
        })
        added.push({ ...describeAdded(contact), fromEarlierAttempt: false })
      }
      const rescored = added.some((a) => !a.fromEarlierAttempt) ? (yield* rescoreStored(current)).lead : current
      yield* audit(ctx, "research", "lead", current.id, {
        researchTaskId: task.id,
        kind: "find_contacts",
        model: usage.model,
        added: added.filter((a) => !a.fromEarlierAttempt).map((a) => a.contactId),
        duplicates: duplicates.length,
        rejected: rejected.length,
        leadScore: rescored.leadScore
      })
      return { kind: "find_contacts", leadId: current.id, added, duplicates, rejected, usage } as FindContactsResult
    }).pipe(transactionally)
  })

export const enrichCompany = (ctx: UseCaseContext, task: ResearchTask, request: typeof EnrichCompanyRequest.Type) =>
  Effect.flatMap(
    request.crawl === true
      ? Effect.asSome(withWebResearch(crawlWebsite(ctx, request.leadId, task.id)))
      : Effect.succeedNone,
    (crawl) =>
      Effect.map(
        enrichLead(ctx, request.leadId),
        (enriched): EnrichCompanyResult => ({
          kind: "enrich_company",
          leadId: request.leadId,
          sourceId: enriched.sourceId,
          leadScore: enriched.lead.leadScore,
          claims: enriched.claims.map(({ field, value, confidence, applied, lowConfidence, reason }) => ({
            field,
            value,
            confidence,
            applied,
            lowConfidence,
            reason
          })),
          usage: enriched.usage,
          ...(Option.isSome(crawl) ? { crawl: crawl.value } : {})
        })
      )
  )

export const answerQuery = (ctx: UseCaseContext, request: typeof QueryRequest.Type) =>
  Effect.gen(function* () {
    const lead = request.leadId === undefined ? undefined : yield* loadLead(ctx, request.leadId)
    const { value: answer, usage } = yield* (yield* LanguageModel).generateText({
      system: QUERY_SYSTEM,
      user: [...(lead === undefined ? [] : [...companyLines(lead), ""]), `Question: ${request.query}`].join("\n"),
      organizationId: ctx.organizationId
    })
    return { kind: "query", answer, usage } satisfies QueryResult as QueryResult
  })
