import { describe, expect, it } from "@effect/vitest"
import {
  AuditLog,
  changeLeadStatus,
  createLead,
  deleteLead,
  FieldProvenance,
  Lead,
  type LeadId,
  LeadRepository,
  mergeLeads,
  newId,
  planMerge,
  rescoreLead,
  updateLead,
  verifyAuditChain
} from "@leadforge/domain"
import { Effect, Exit, Option } from "effect"
import { ctxA, ctxB, failingAuditLayer, freshLayer, orgA, storedCounts } from "./support.js"

const failureOf = <A, E>(exit: Exit.Exit<A, E>) =>
  Exit.isFailure(exit) && exit.cause._tag === "Fail" ? exit.cause.error : undefined

describe("lead use cases", () => {
  it.effect("createLead normalizes, scores, stores and audits", () =>
    Effect.gen(function* () {
      const lead = yield* createLead(ctxA, {
        companyName: "  Acme Robotics  ",
        website: "https://www.Acme.co.uk/about",
        industry: "software",
        employeeCount: 120
      })
      expect(lead.companyName).toBe("Acme Robotics")
      expect(lead.domain).toBe("acme.co.uk")
      expect(lead.version).toBe(1)
      expect(lead.leadScore).toBeGreaterThanOrEqual(0)
      const stored = yield* (yield* LeadRepository).findById(orgA, lead.id)
      expect(Option.getOrThrow(stored).domain).toBe("acme.co.uk")
      const chain = yield* (yield* AuditLog).chain(orgA)
      expect(chain.map((e) => [e.action, e.entityType, e.entityId])).toEqual([["create", "lead", lead.id]])
    }).pipe(Effect.provide(freshLayer()))
  )

  it.effect("createLead lists every failing field", () =>
    Effect.gen(function* () {
      const exit = yield* createLead(ctxA, {
        companyName: "   ",
        domain: "localhost",
        employeeCount: -3
      } as never).pipe(Effect.exit)
      const error = failureOf(exit)
      expect(error?._tag).toBe("ValidationFailed")
      const fields = error?._tag === "ValidationFailed" ? error.issues.map((i) => i.field) : []
      expect(fields).toContain("employeeCount")
      const exit2 = yield* createLead(ctxA, { companyName: "   ", domain: "localhost" }).pipe(Effect.exit)
      const error2 = failureOf(exit2)
      const fields2 = error2?._tag === "ValidationFailed" ? error2.issues.map((i) => i.field) : []
      expect(fields2).toEqual(expect.arrayContaining(["companyName", "domain"]))
      expect((yield* storedCounts).leads).toBe(0)
    }).pipe(Effect.provide(freshLayer()))
  )

  it.effect("createLead rejects a duplicate, naming the existing lead", () =>
    Effect.gen(function* () {
      const first = yield* createLead(ctxA, { companyName: "Acme", domain: "acme.com" })
      const exit = yield* createLead(ctxA, { companyName: "Acme Inc", website: "https://shop.acme.com" }).pipe(
        Effect.exit
      )
      const error = failureOf(exit)
      expect(error?._tag).toBe("DuplicateLead")
      expect(error?._tag === "DuplicateLead" && error.existingLeadId).toBe(first.id)
      // Another organization may have the same company.
      const other = yield* createLead(ctxB, { companyName: "Acme", domain: "acme.com" })
      expect(other.organizationId).toBe(ctxB.organizationId)
    }).pipe(Effect.provide(freshLayer()))
  )

  it.effect("updateLead applies a patch, checks the version and audits a diff", () =>
    Effect.gen(function* () {
      const lead = yield* createLead(ctxA, { companyName: "Acme", domain: "acme.com" })
      const updated = yield* updateLead(ctxA, lead.id, { industry: "fintech", employeeCount: 50 }, 1)
      expect(updated.version).toBe(2)
      expect(updated.industry).toBe("fintech")
      const stale = failureOf(yield* updateLead(ctxA, lead.id, { industry: "x" }, 1).pipe(Effect.exit))
      expect(stale?._tag).toBe("VersionConflict")
      expect(stale?._tag === "VersionConflict" && [stale.expectedVersion, stale.actualVersion]).toEqual([1, 2])
      const chain = yield* (yield* AuditLog).chain(orgA)
      const last = chain[chain.length - 1]!
      expect(last.action).toBe("update")
      expect(Object.keys(last.details.changes as object)).toEqual(expect.arrayContaining(["industry", "employeeCount"]))
      expect(Object.keys(last.details.changes as object)).not.toContain("companyName")
    }).pipe(Effect.provide(freshLayer()))
  )

  it.effect("updateLead makes the fields it sets user-entered, so a newer import does not undo the edit", () =>
    Effect.gen(function* () {
      const created = yield* createLead(ctxA, { companyName: "Acme", domain: "acme.com", industry: "retail" })
      // as an import leaves a lead: industry and head count came from a file
      const fromFile = (at: string) =>
        new FieldProvenance({ origin: "import", confidence: 80, observedAt: new Date(at) })
      const imported = yield* (yield* LeadRepository).update(
        new Lead({
          ...created,
          employeeCount: 10,
          provenance: { industry: fromFile("2026-01-01"), employeeCount: fromFile("2026-01-01") },
          version: 2
        })
      )
      const edited = yield* updateLead(ctxA, imported.id, { industry: "software" }, 2)
      expect(edited.provenance.industry?.origin).toBe("user")
      expect(edited.provenance.employeeCount?.origin).toBe("import")
      const stored = Option.getOrThrow(yield* (yield* LeadRepository).findById(orgA, imported.id))
      expect(stored.provenance.industry?.origin).toBe("user")

      // a newer file says otherwise: the person's industry stays, the imported head count follows the file
      const newer = fromFile("2026-06-01")
      const incoming = new Lead({
        ...stored,
        industry: "fintech",
        employeeCount: 20,
        provenance: { industry: newer, employeeCount: newer }
      })
      const { merged } = planMerge(stored, incoming, { fields: ["industry", "employeeCount"] })
      expect(merged.industry).toBe("software")
      expect(merged.employeeCount).toBe(20)
    }).pipe(Effect.provide(freshLayer()))
  )

  it.effect("updateLead re-checks identity when the domain changes", () =>
    Effect.gen(function* () {
      const a = yield* createLead(ctxA, { companyName: "Acme", domain: "acme.com" })
      const b = yield* createLead(ctxA, { companyName: "Globex", domain: "globex.com" })
      const error = failureOf(yield* updateLead(ctxA, b.id, { domain: "www.acme.com" }, 1).pipe(Effect.exit))
      expect(error?._tag === "DuplicateLead" && error.existingLeadId).toBe(a.id)
    }).pipe(Effect.provide(freshLayer()))
  )

  it.effect("changeLeadStatus follows the status machine", () =>
    Effect.gen(function* () {
      const lead = yield* createLead(ctxA, { companyName: "Acme", domain: "acme.com" })
      const contacted = yield* changeLeadStatus(ctxA, lead.id, "contacted")
      expect(contacted.status).toBe("contacted")
      const error = failureOf(yield* changeLeadStatus(ctxA, lead.id, "won").pipe(Effect.exit))
      expect(error?._tag).toBe("IllegalStatusTransition")
      expect(error?._tag === "IllegalStatusTransition" && [error.from, error.to]).toEqual(["contacted", "won"])
      expect(error?.message).toContain("contacted")
      expect(error?.message).toContain("won")
      yield* changeLeadStatus(ctxA, lead.id, "disqualified")
      const reopened = yield* changeLeadStatus(ctxA, lead.id, "new", { reopen: true })
      expect(reopened.status).toBe("new")
      const chain = yield* (yield* AuditLog).chain(orgA)
      expect(chain.filter((e) => e.action === "status_change").map((e) => e.details.to)).toEqual([
        "contacted",
        "disqualified",
        "new"
      ])
    }).pipe(Effect.provide(freshLayer()))
  )

  it.effect("rescoreLead returns the explanation; deleteLead removes and audits", () =>
    Effect.gen(function* () {
      const lead = yield* createLead(ctxA, { companyName: "Acme", domain: "acme.com", industry: "software" })
      const { lead: same, score } = yield* rescoreLead(ctxA, lead.id)
      expect(same.leadScore).toBe(score.score)
      expect(score.factors.length).toBeGreaterThan(0)
      yield* deleteLead(ctxA, lead.id)
      expect(Option.isNone(yield* (yield* LeadRepository).findById(orgA, lead.id))).toBe(true)
      const missing = failureOf(yield* deleteLead(ctxA, lead.id).pipe(Effect.exit))
      expect(missing?._tag).toBe("LeadNotFound")
      const unknown = failureOf(yield* rescoreLead(ctxA, newId<LeadId>()).pipe(Effect.exit))
      expect(unknown?._tag).toBe("LeadNotFound")
    }).pipe(Effect.provide(freshLayer()))
  )

  it.effect("another organization cannot read, update or delete a lead", () =>
    Effect.gen(function* () {
      const lead = yield* createLead(ctxA, { companyName: "Acme", domain: "acme.com" })
      const repo = yield* LeadRepository
      expect(Option.isNone(yield* repo.findById(ctxB.organizationId, lead.id))).toBe(true)
      expect(failureOf(yield* updateLead(ctxB, lead.id, { industry: "x" }, 1).pipe(Effect.exit))?._tag).toBe(
        "LeadNotFound"
      )
      expect(failureOf(yield* deleteLead(ctxB, lead.id).pipe(Effect.exit))?._tag).toBe("LeadNotFound")
      expect(failureOf(yield* changeLeadStatus(ctxB, lead.id, "contacted").pipe(Effect.exit))?._tag).toBe(
        "LeadNotFound"
      )
      expect(Option.isSome(yield* repo.findById(orgA, lead.id))).toBe(true)
    }).pipe(Effect.provide(freshLayer()))
  )

  it.effect("a failing audit append rolls the whole use case back", () =>
    Effect.gen(function* () {
      const exit = yield* createLead(ctxA, { companyName: "Acme", domain: "acme.com" }).pipe(Effect.exit)
      expect(Exit.isFailure(exit)).toBe(true)
      expect(yield* storedCounts).toEqual({ leads: 0, contacts: 0, activities: 0, audit: 0 })
    }).pipe(Effect.provide(failingAuditLayer()))
  )

  it.effect("mergeLeads: dry run writes nothing; apply moves everything and audits", () =>
    Effect.gen(function* () {
      const target = yield* createLead(ctxA, { companyName: "Acme", domain: "acme.com" })
      const source = yield* createLead(ctxA, { companyName: "Acme Europe", industry: "robotics", tags: ["eu"] })
      const before = yield* storedCounts
      const dry = yield* mergeLeads(ctxA, target.id, source.id, { dryRun: true })
      expect(dry.dryRun).toBe(true)
      expect(dry.plan.merged.industry).toBe("robotics")
      expect(yield* storedCounts).toEqual(before)
      const applied = yield* mergeLeads(ctxA, target.id, source.id)
      expect(applied.lead.id).toBe(target.id)
      expect(applied.lead.industry).toBe("robotics")
      expect(applied.lead.tags).toContain("eu")
      const repo = yield* LeadRepository
      expect(Option.isNone(yield* repo.findById(orgA, source.id))).toBe(true)
      const self = failureOf(yield* mergeLeads(ctxA, target.id, target.id).pipe(Effect.exit))
      expect(self?._tag).toBe("InvalidMerge")
      const chain = yield* (yield* AuditLog).chain(orgA)
      expect(chain[chain.length - 1]?.action).toBe("merge")
      expect(verifyAuditChain(chain).valid).toBe(true)
    }).pipe(Effect.provide(freshLayer()))
  )
})
