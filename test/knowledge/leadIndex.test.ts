import { describe, expect, it, type Vitest } from "@effect/vitest"
import { LanguageModelScripted } from "@leadforge/adapters/llm"
import {
  type ActivityRepository,
  type AuditLog,
  type ContactRepository,
  changeLeadStatus,
  createLead,
  type DataSourceRepository,
  deleteLead,
  Embedder,
  enrichLead,
  type KnowledgeRepository,
  type Lead,
  type LeadId,
  LeadRepository,
  leadProfileText,
  mergeLeads,
  reindexOrganization,
  rescoreLead,
  searchLeads,
  similarLeads,
  type Transactor,
  Unavailable,
  updateLead,
  VectorIndex
} from "@leadforge/domain"
import { Deferred, Effect, Fiber, Layer, Option } from "effect"
import { resolvePostgres } from "../../packages/adapters/test/support/databases.js"
import { freshContext } from "./support.js"
import { memoryWorld, pgliteWorld, postgresWorld } from "./worlds.js"

const postgres = await resolvePostgres()

type Ctx = ReturnType<typeof freshContext>

type Ports =
  | KnowledgeRepository
  | DataSourceRepository
  | VectorIndex
  | Embedder
  | LeadRepository
  | ContactRepository
  | ActivityRepository
  | AuditLog
  | Transactor

const ROBOTICS = "Autonomous forklifts for warehouse logistics"

/** The lead vectors of the organization nearest to `text`, straight from the index (no lead lookup filters them). */
const indexed = (ctx: Ctx, text: string) =>
  Effect.gen(function* () {
    const [vector] = yield* (yield* Embedder).embed([text])
    return yield* (yield* VectorIndex).search(vector!, 50, { organizationId: ctx.organizationId, kind: "lead" })
  })

/** The score of the lead's own vector against the embedding of `text`: 1 when it was embedded from that text. */
const scoreOf = (ctx: Ctx, lead: Lead, text: string) =>
  Effect.map(indexed(ctx, text), (hits) => hits.find((h) => h.id === lead.id)?.score)

const indexedIds = (ctx: Ctx) => Effect.map(indexed(ctx, "company"), (hits) => hits.map((h) => h.id))

const stored = (ctx: Ctx, id: LeadId) =>
  Effect.flatMap(LeadRepository, (leads) => leads.findById(ctx.organizationId, id))

/** The real embedder, counting its calls; or failing every call. */
const embedderWith = (mode: "count" | "fail") =>
  Effect.map(Embedder, (real) => {
    let calls = 0
    const service = Embedder.of({
      ...real,
      embed: (texts) =>
        Effect.suspend(() => {
          calls++
          return mode === "fail"
            ? Effect.fail(new Unavailable({ service: "embedder", reason: "HTTP 503" }))
            : real.embed(texts)
        })
    })
    return { service, calls: () => calls }
  })

/** The real index whose writes die (a defect, as a broken adapter would) or fail as unavailable. */
const brokenIndex = Effect.map(VectorIndex, (real) =>
  VectorIndex.of({
    ...real,
    upsert: () => Effect.die(new Error("connection reset")),
    delete: () => Effect.fail(new Unavailable({ service: "vector index", reason: "connection refused" }))
  })
)

/**
 * The real index whose first upsert waits: `entered` once it is called, and it goes on after `release`; later
 * upserts pass straight through.
 */
const heldIndex = Effect.gen(function* () {
  const real = yield* VectorIndex
  const called = yield* Deferred.make<void>()
  const released = yield* Deferred.make<void>()
  let first = true
  const service = VectorIndex.of({
    ...real,
    upsert: (points) =>
      Effect.suspend(() => {
        if (!first) return real.upsert(points)
        first = false
        return Deferred.succeed(called, undefined).pipe(
          Effect.zipRight(Deferred.await(released)),
          Effect.zipRight(real.upsert(points))
        )
      })
  })
  return { service, entered: Deferred.await(called), release: Deferred.succeed(released, undefined) }
})

const make = (ctx: Ctx, companyName: string, industry: string, notes: string) =>
  createLead(ctx, { companyName, industry, notes })

const leadIndexSuite = (it: Vitest.MethodsNonLive<Ports>) => {
  it.effect("a created lead is found by similar and free-text lead search at once, with no reindex", () =>
    Effect.gen(function* () {
      const ctx = freshContext()
      const a = yield* make(ctx, "RoboFleet", "warehouse robotics", ROBOTICS)
      const b = yield* make(ctx, "PickBot", "warehouse robotics", "Robotic picking arms for warehouse fulfilment")
      const c = yield* make(ctx, "TaxPilot", "accounting software", "Automated tax filing for small businesses")
      expect((yield* similarLeads(ctx, a.id, 1)).map((m) => m.lead.id)).toEqual([b.id])
      expect((yield* searchLeads(ctx, "tax filing accounting software", 1)).map((m) => m.lead.id)).toEqual([c.id])
      expect(yield* scoreOf(ctx, a, leadProfileText(a))).toBeCloseTo(1, 5)
    })
  )

  it.effect(
    "changing industry and notes re-embeds the lead; status changes, rescoring and no-op edits embed nothing",
    () =>
      Effect.gen(function* () {
        const ctx = freshContext()
        const a = yield* make(ctx, "RoboFleet", "warehouse robotics", ROBOTICS)
        yield* make(ctx, "PickBot", "warehouse robotics", "Robotic picking arms for warehouse fulfilment")
        const c = yield* make(ctx, "TaxPilot", "accounting software", "Automated tax filing for small businesses")
        const counting = yield* embedderWith("count")
        const withCounting = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
          Effect.provideService(effect, Embedder, counting.service)

        const moved = yield* updateLead(ctx, c.id, { industry: "warehouse robotics", notes: ROBOTICS }, 1).pipe(
          withCounting
        )
        expect(counting.calls()).toBe(1)
        expect(yield* scoreOf(ctx, c, leadProfileText(moved))).toBeCloseTo(1, 5)
        expect(yield* scoreOf(ctx, c, leadProfileText(c))).toBeLessThan(0.9)
        expect((yield* similarLeads(ctx, a.id, 1)).map((m) => m.lead.id)).toEqual([c.id])
        expect(
          (yield* searchLeads(ctx, "autonomous forklifts warehouse logistics", 3)).map((m) => m.lead.id)
        ).toContain(c.id)

        yield* changeLeadStatus(ctx, c.id, "contacted").pipe(withCounting)
        yield* rescoreLead(ctx, c.id).pipe(withCounting)
        const current = Option.getOrThrow(yield* stored(ctx, c.id))
        yield* updateLead(ctx, c.id, { aiAdoptionScore: 90, industry: "warehouse robotics" }, current.version).pipe(
          withCounting
        )
        expect(counting.calls()).toBe(1)
      })
  )

  it.effect("a deleted lead, and the lead merged away, leave the index at once; the survivor is re-embedded", () =>
    Effect.gen(function* () {
      const ctx = freshContext()
      const a = yield* createLead(ctx, { companyName: "RoboFleet", industry: "warehouse robotics" })
      const b = yield* createLead(ctx, { companyName: "Fleetwise", notes: ROBOTICS })
      const c = yield* make(ctx, "TaxPilot", "accounting software", "Automated tax filing for small businesses")
      expect((yield* indexedIds(ctx)).sort()).toEqual([a.id, b.id, c.id].sort())

      yield* deleteLead(ctx, c.id)
      expect(yield* indexedIds(ctx)).not.toContain(c.id)
      const search = yield* searchLeads(ctx, "tax filing accounting software", 5)
      expect(search.map((m) => m.lead.id)).not.toContain(c.id)

      const { lead } = yield* mergeLeads(ctx, a.id, b.id)
      expect(lead.notes).toBe(ROBOTICS)
      expect(yield* indexedIds(ctx)).toEqual([a.id])
      expect(yield* scoreOf(ctx, a, leadProfileText(lead))).toBeCloseTo(1, 5)
    })
  )

  it.effect("index writes that land out of order leave the profile that committed last, and no deleted lead", () =>
    Effect.gen(function* () {
      const ctx = freshContext()
      const a = yield* make(ctx, "RoboFleet", "warehouse robotics", ROBOTICS)
      const b = yield* make(ctx, "TaxPilot", "accounting software", "Automated tax filing for small businesses")

      // the first write's index upsert stalls (a slow index, another process) until the second write has synced
      const first = yield* heldIndex
      const slow = yield* updateLead(ctx, a.id, { notes: "Robotic picking arms" }, 1).pipe(
        Effect.provideService(VectorIndex, first.service),
        Effect.fork
      )
      yield* first.entered
      const second = yield* updateLead(ctx, a.id, { notes: "Drones for stocktaking" }, 2)
      yield* first.release
      const late = yield* Fiber.join(slow)
      expect(late.version).toBe(2)
      expect(yield* scoreOf(ctx, a, leadProfileText(second))).toBeCloseTo(1, 5)
      expect(yield* scoreOf(ctx, a, leadProfileText(late))).toBeLessThan(0.9)

      const held = yield* heldIndex
      const edit = yield* updateLead(ctx, b.id, { notes: "Payroll for small businesses" }, 1).pipe(
        Effect.provideService(VectorIndex, held.service),
        Effect.fork
      )
      yield* held.entered
      yield* deleteLead(ctx, b.id)
      yield* held.release
      yield* Fiber.join(edit)
      expect(yield* indexedIds(ctx)).toEqual([a.id])
    })
  )

  it.effect("enriching re-embeds the lead with what the model filled in", () =>
    Effect.gen(function* () {
      const ctx = freshContext()
      const lead = yield* createLead(ctx, { companyName: "Acme", domain: "acme.example" })
      const claim = (value: unknown) => ({ value, confidence: 80, evidence: [] })
      const reply = JSON.stringify({
        industry: claim("warehouse robotics"),
        employeeRange: claim(null),
        fundingStage: claim(null),
        location: claim(null),
        summary: claim(null),
        aiAdoption: { score: 10, confidence: 50, reasons: [] }
      })
      const { lead: enriched } = yield* enrichLead(ctx, lead.id).pipe(Effect.provide(LanguageModelScripted([reply])))
      expect(enriched.industry).toBe("warehouse robotics")
      expect(yield* scoreOf(ctx, lead, leadProfileText(enriched))).toBeCloseTo(1, 5)
    })
  )

  it.effect("a failing embedder or index never fails or rolls back the lead write; reindex catches up", () =>
    Effect.gen(function* () {
      const ctx = freshContext()
      const failing = yield* embedderWith("fail")
      const broken = yield* brokenIndex
      const withFailingEmbedder = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
        Effect.provideService(effect, Embedder, failing.service)
      const withBrokenIndex = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
        Effect.provideService(effect, VectorIndex, broken)

      const a = yield* make(ctx, "RoboFleet", "warehouse robotics", ROBOTICS).pipe(withFailingEmbedder)
      expect(failing.calls()).toBe(1)
      expect(Option.map(yield* stored(ctx, a.id), (l) => l.companyName)).toEqual(Option.some("RoboFleet"))
      expect(yield* indexedIds(ctx)).toEqual([])

      const updated = yield* updateLead(ctx, a.id, { notes: "Robotic picking arms" }, 1).pipe(withFailingEmbedder)
      expect(Option.map(yield* stored(ctx, a.id), (l) => [l.version, l.notes])).toEqual(
        Option.some([2, "Robotic picking arms"])
      )
      const b = yield* make(ctx, "TaxPilot", "accounting software", "Tax filing").pipe(withBrokenIndex)
      expect(Option.isSome(yield* stored(ctx, b.id))).toBe(true)
      expect(yield* indexedIds(ctx)).toEqual([])

      expect((yield* reindexOrganization(ctx)).leads).toBe(2)
      expect(yield* scoreOf(ctx, a, leadProfileText(updated))).toBeCloseTo(1, 5)

      yield* deleteLead(ctx, b.id).pipe(withBrokenIndex)
      expect(Option.isNone(yield* stored(ctx, b.id))).toBe(true)
      // the stale vector stays until a reindex, but search never returns a lead that is gone
      expect((yield* searchLeads(ctx, "tax filing accounting software", 5)).map((m) => m.lead.id)).toEqual([a.id])
    })
  )
}

describe("lead index follows lead writes", () => {
  it.layer(memoryWorld())("memory", leadIndexSuite)
  it.layer(pgliteWorld(), { timeout: 120_000 })("PGlite + pgvector", leadIndexSuite)
  if (postgres.kind !== "none") {
    it.layer(postgresWorld(postgres), { timeout: 120_000 })("PostgreSQL (no pgvector) + memory index", leadIndexSuite)
  } else {
    describe.skip(`PostgreSQL (skipped: ${postgres.reason})`, () => {
      it.layer(Layer.empty as never)("PostgreSQL", leadIndexSuite)
    })
  }
})
