import { Clock, Effect, Option } from "effect"
import { ContactNotFound, LeadNotFound } from "../errors.js"
import { type AuditAction, type AuditEntityType, AuditEventDraft } from "../model/AuditEvent.js"
import type { Contact } from "../model/Contact.js"
import type { Actor } from "../model/common.js"
import { type AuditEventId, type ContactId, type LeadId, newId, type OrganizationId } from "../model/ids.js"
import type { Lead } from "../model/Lead.js"
import { AuditLog } from "../ports/AuditLog.js"
import { ContactRepository } from "../ports/ContactRepository.js"
import { LeadRepository } from "../ports/LeadRepository.js"
import { Transactor } from "../ports/Transactor.js"
import { isAudited, redactPII } from "../rules/audit.js"

/** Who is acting, and for which organization; the HTTP layer derives it from the API key. */
export interface UseCaseContext {
  readonly organizationId: OrganizationId
  readonly actor: Actor
}

export const currentDate: Effect.Effect<Date> = Effect.map(Clock.currentTimeMillis, (ms) => new Date(ms))

export const loadLead = (ctx: UseCaseContext, id: LeadId) =>
  Effect.flatMap(LeadRepository, (leads) => leads.findById(ctx.organizationId, id)).pipe(
    Effect.flatMap(
      Option.match({
        onNone: () => Effect.fail(new LeadNotFound({ leadId: id })),
        onSome: (lead): Effect.Effect<Lead, LeadNotFound> => Effect.succeed(lead)
      })
    )
  )

export const loadContact = (ctx: UseCaseContext, id: ContactId) =>
  Effect.flatMap(ContactRepository, (contacts) => contacts.findById(ctx.organizationId, id)).pipe(
    Effect.flatMap(
      Option.match({
        onNone: () => Effect.fail(new ContactNotFound({ contactId: id })),
        onSome: (contact): Effect.Effect<Contact, ContactNotFound> => Effect.succeed(contact)
      })
    )
  )

/** Records a change in the audit chain when the domain's policy says so; details are redacted first. */
export const audit = (
  ctx: UseCaseContext,
  action: AuditAction,
  entityType: AuditEntityType,
  entityId: string,
  details: Record<string, unknown>
) =>
  Effect.gen(function* () {
    if (!isAudited(entityType, action)) return
    const log = yield* AuditLog
    const at = yield* currentDate
    yield* log.append(
      new AuditEventDraft({
        id: newId<AuditEventId>(),
        organizationId: ctx.organizationId,
        at,
        actor: ctx.actor,
        action,
        entityType,
        entityId,
        details: redactPII(details)
      })
    )
  })

/** The fields whose values differ, as { field: { before, after } }. */
export const diff = <A extends object>(
  before: A,
  after: A,
  fields: ReadonlyArray<keyof A & string>
): Record<string, { readonly before: unknown; readonly after: unknown }> => {
  const changes: Record<string, { readonly before: unknown; readonly after: unknown }> = {}
  for (const field of fields) {
    if (JSON.stringify(before[field]) !== JSON.stringify(after[field])) {
      changes[field] = { before: before[field], after: after[field] }
    }
  }
  return changes
}

/** Runs a use case's body in one transaction. */
export const transactionally = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.flatMap(Transactor, (tx) => tx.withTransaction(effect))
