import { describe, expect, it, type Vitest } from "@effect/vitest"
import {
  Actor,
  AuditLog,
  addContact,
  ContactRepository,
  changeLeadStatus,
  createLead,
  deleteLead,
  LeadRepository,
  mergeLeads,
  newId,
  type OrganizationId,
  recordActivity,
  rescoreLead,
  updateContact,
  updateLead,
  verifyAuditChain
} from "@leadforge/domain"
import { Effect, Exit, type Layer, Option } from "effect"
import {
  pglitePersistence,
  postgresPersistence,
  resolvePostgres,
  tableCounts as rowCounts
} from "../../packages/adapters/test/support/databases.js"

/**
 * The foundation issue's use cases, end to end on each real database: the same calls as the memory tests in
 * this folder, through the SQL repositories, the SQL Transactor and the SQL AuditLog.
 */
const postgres = await resolvePostgres()

const failureOf = <A, E>(exit: Exit.Exit<A, E>) =>
  Exit.isFailure(exit) && exit.cause._tag === "Fail" ? exit.cause.error : undefined

/** A fresh organization per test, so tests sharing one database never see each other's rows. */
const freshContext = () => {
  const organizationId = newId<OrganizationId>()
  return { organizationId, actor: new Actor({ type: "user", id: "alice" }) }
}

/**
 * The real SQL AuditLog whose append writes its row and then fails: the worst case for atomicity, since the
 * audit row, the audit head and every earlier write of the use case must all be rolled back.
 */
const withFailingAudit = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.updateService(effect, AuditLog, (real) =>
    AuditLog.of({
      ...real,
      append: (draft) => Effect.zipRight(real.append(draft), Effect.die(new Error("audit log down")))
    })
  )

/** What both databases' layers provide: the ports and the SqlClient. */
type Ports = Extract<
  Layer.Layer.Success<ReturnType<typeof pglitePersistence>>,
  Layer.Layer.Success<ReturnType<typeof postgresPersistence>>
>

const useCaseSuite = (it: Vitest.MethodsNonLive<Ports>) => {
  it.effect("lead lifecycle: create, dedupe, update, status, contacts, activity, rescore, merge, delete", () =>
    Effect.gen(function* () {
      const ctx = freshContext()
      const leads = yield* LeadRepository

      const acme = yield* createLead(ctx, {
        companyName: "  Acme Robotics ",
        website: "https://www.Acme.co.uk/about",
        industry: "software",
        employeeCount: 120
      })
      expect(acme.domain).toBe("acme.co.uk")
      expect(acme.version).toBe(1)
      expect(Option.getOrThrow(yield* leads.findById(ctx.organizationId, acme.id)).companyName).toBe("Acme Robotics")

      // the same company again (another URL on the same registrable domain) is refused, naming the stored lead
      const duplicate = failureOf(
        yield* createLead(ctx, { companyName: "Acme Inc", website: "https://shop.acme.co.uk" }).pipe(Effect.exit)
      )
      expect(duplicate?._tag).toBe("DuplicateLead")
      expect(duplicate?._tag === "DuplicateLead" && duplicate.existingLeadId).toBe(acme.id)

      const updated = yield* updateLead(ctx, acme.id, { industry: "fintech", employeeCount: 250 }, 1)
      expect(updated.version).toBe(2)
      const stale = failureOf(yield* updateLead(ctx, acme.id, { industry: "retail" }, 1).pipe(Effect.exit))
      expect(stale?._tag).toBe("VersionConflict")
      expect(stale?._tag === "VersionConflict" && [stale.expectedVersion, stale.actualVersion]).toEqual([1, 2])
      expect(Option.getOrThrow(yield* leads.findById(ctx.organizationId, acme.id)).industry).toBe("fintech")

      const contacted = yield* changeLeadStatus(ctx, acme.id, "contacted")
      expect(contacted.status).toBe("contacted")
      const illegal = failureOf(yield* changeLeadStatus(ctx, acme.id, "won").pipe(Effect.exit))
      expect(illegal?._tag).toBe("IllegalStatusTransition")

      const { contact: ada } = yield* addContact(ctx, acme.id, {
        firstName: "Ada",
        lastName: "Lovelace",
        email: "Ada.Lovelace@Acme.co.uk",
        jobTitle: "VP Engineering"
      })
      expect(ada.seniority).toBe("vp")
      // dedupe by email, in any case
      const sameEmail = failureOf(
        yield* addContact(ctx, acme.id, { firstName: "Ada", email: "ADA.LOVELACE@acme.co.uk" }).pipe(Effect.exit)
      )
      expect(sameEmail?._tag === "DuplicateContact" && sameEmail.existingContactId).toBe(ada.id)
      const { contact: cto } = yield* updateContact(ctx, ada.id, { jobTitle: "CTO" }, { expectedVersion: 1 })
      expect([cto.version, cto.seniority]).toEqual([2, "c_level"])
      const staleContact = failureOf(
        yield* updateContact(ctx, ada.id, { jobTitle: "CEO" }, { expectedVersion: 1 }).pipe(Effect.exit)
      )
      expect(staleContact?._tag).toBe("VersionConflict")

      const meeting = yield* recordActivity(ctx, acme.id, {
        kind: "meeting",
        occurredAt: new Date(0),
        summary: "intro call",
        contactId: ada.id
      })
      expect(meeting.activity.leadId).toBe(acme.id)
      expect(meeting.lead.leadScore).toBe(meeting.score.score)

      const { lead: rescored, score } = yield* rescoreLead(ctx, acme.id)
      expect(rescored.leadScore).toBe(score.score)
      expect(score.factors.length).toBeGreaterThan(0)
      expect(Option.getOrThrow(yield* leads.findById(ctx.organizationId, acme.id)).leadScore).toBe(score.score)

      // a second record of the same company under its name only, with its own contact, merged into the first
      const europe = yield* createLead(ctx, { companyName: "Acme Europe", industry: "robotics", tags: ["eu"] })
      const { contact: grace } = yield* addContact(ctx, europe.id, { firstName: "Grace", email: "grace@example.org" })
      const before = yield* rowCounts(ctx.organizationId)
      const dry = yield* mergeLeads(ctx, acme.id, europe.id, { dryRun: true })
      expect(dry.dryRun).toBe(true)
      expect(yield* rowCounts(ctx.organizationId)).toEqual(before)
      const merged = yield* mergeLeads(ctx, acme.id, europe.id)
      expect(merged.lead.id).toBe(acme.id)
      expect(merged.lead.tags).toContain("eu")
      expect(merged.movedContacts).toBe(1)
      expect(Option.isNone(yield* leads.findById(ctx.organizationId, europe.id))).toBe(true)
      const moved = yield* (yield* ContactRepository).findById(ctx.organizationId, grace.id)
      expect(Option.getOrThrow(moved).leadId).toBe(acme.id)

      yield* deleteLead(ctx, acme.id)
      expect(Option.isNone(yield* leads.findById(ctx.organizationId, acme.id))).toBe(true)
      expect(failureOf(yield* deleteLead(ctx, acme.id).pipe(Effect.exit))?._tag).toBe("LeadNotFound")

      const chain = yield* (yield* AuditLog).chain(ctx.organizationId)
      expect(chain.map((e) => `${e.entityType}.${e.action}`)).toEqual([
        "lead.create",
        "lead.update",
        "lead.status_change",
        "contact.create",
        "contact.update",
        "activity.create",
        "lead.create",
        "contact.create",
        "lead.merge",
        // the deleted lead's two contacts, each audited, then the lead with the counts
        "contact.delete",
        "contact.delete",
        "lead.delete"
      ])
      expect(chain.at(-1)?.details).toMatchObject({ removed: { contacts: 2, activities: 1 } })
      expect(verifyAuditChain(chain)).toEqual({ valid: true, length: chain.length })
      // personal data never reaches the audit trail
      expect(JSON.stringify(chain.map((e) => e.details))).not.toContain("ada.lovelace@acme.co.uk")
    })
  )

  it.effect("a failing audit append rolls every write of the use case back", () =>
    Effect.gen(function* () {
      const ctx = freshContext()
      const empty = yield* rowCounts(ctx.organizationId)
      const created = yield* withFailingAudit(createLead(ctx, { companyName: "Acme", domain: "acme.com" })).pipe(
        Effect.exit
      )
      expect(Exit.isFailure(created)).toBe(true)
      expect(yield* rowCounts(ctx.organizationId)).toEqual(empty)

      // with data in place: each use case below writes several rows before its audit append fails
      const target = yield* createLead(ctx, { companyName: "Acme", domain: "acme.com", industry: "software" })
      const source = yield* createLead(ctx, { companyName: "Acme Europe", tags: ["eu"] })
      const { contact } = yield* addContact(ctx, source.id, { firstName: "Ada", email: "ada@acme.com" })
      const stored = yield* rowCounts(ctx.organizationId)
      const leads = yield* LeadRepository
      const snapshot = Effect.all([
        leads.findById(ctx.organizationId, target.id),
        leads.findById(ctx.organizationId, source.id),
        (yield* ContactRepository).findById(ctx.organizationId, contact.id)
      ])
      const beforeFailures = yield* snapshot

      const failing = [
        addContact(ctx, target.id, { firstName: "Grace", email: "grace@acme.com" }),
        recordActivity(ctx, target.id, { kind: "meeting", occurredAt: new Date(0), contactId: null }),
        updateLead(ctx, target.id, { industry: "fintech" }, target.version),
        changeLeadStatus(ctx, target.id, "contacted"),
        mergeLeads(ctx, target.id, source.id),
        deleteLead(ctx, source.id)
      ]
      for (const useCase of failing) {
        const exit = yield* withFailingAudit(useCase as Effect.Effect<unknown, unknown, Ports>).pipe(Effect.exit)
        expect(Exit.isFailure(exit)).toBe(true)
        expect(yield* rowCounts(ctx.organizationId)).toEqual(stored)
      }
      expect(yield* snapshot).toEqual(beforeFailures)
      const chain = yield* (yield* AuditLog).chain(ctx.organizationId)
      expect(verifyAuditChain(chain)).toEqual({ valid: true, length: 3 })
      // and the chain continues cleanly after the rolled-back appends
      yield* changeLeadStatus(ctx, target.id, "contacted")
      expect(verifyAuditChain(yield* (yield* AuditLog).chain(ctx.organizationId))).toEqual({ valid: true, length: 4 })
    })
  )

  it.effect("another organization sees none of it", () =>
    Effect.gen(function* () {
      const ctx = freshContext()
      const other = freshContext()
      const lead = yield* createLead(ctx, { companyName: "Globex", domain: "globex.com" })
      const { contact } = yield* addContact(ctx, lead.id, { firstName: "Hank", email: "hank@globex.com" })
      expect(failureOf(yield* updateLead(other, lead.id, { industry: "x" }, 1).pipe(Effect.exit))?._tag).toBe(
        "LeadNotFound"
      )
      expect(failureOf(yield* updateContact(other, contact.id, { jobTitle: "CEO" }).pipe(Effect.exit))?._tag).toBe(
        "ContactNotFound"
      )
      expect(failureOf(yield* deleteLead(other, lead.id).pipe(Effect.exit))?._tag).toBe("LeadNotFound")
      // the same company is a new lead in another organization
      expect((yield* createLead(other, { companyName: "Globex", domain: "globex.com" })).organizationId).toBe(
        other.organizationId
      )
      expect((yield* (yield* AuditLog).chain(other.organizationId)).length).toBe(1)
    })
  )
}

describe("use cases on real databases", () => {
  it.layer(pglitePersistence(), { timeout: 120_000 })("PGlite", useCaseSuite)
  if (postgres.kind !== "none") {
    it.layer(postgresPersistence(postgres), { timeout: 60_000 })("PostgreSQL", useCaseSuite)
  }
})
