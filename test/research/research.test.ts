import { describe, expect, layer, type Vitest } from "@effect/vitest"
import { LanguageModelScripted, type Script } from "@leadforge/adapters/llm"
import { layer as memoryLayer } from "@leadforge/adapters/memory"
import { drain, researchWorkerLayer, runOne, type TaskHandler, type TaskOutcome } from "@leadforge/adapters/worker"
import {
  Actor,
  AuditLog,
  ContactRepository,
  cancelResearch,
  createLead,
  deleteLead,
  type FindContactsResult,
  getResearch,
  isPermanentResearchFailure,
  type LanguageModel,
  listResearch,
  newId,
  type OrganizationId,
  type QueryResult,
  type ResearchTaskId,
  runResearchTask,
  submitResearch,
  type TaskQueue,
  Unavailable,
  waitForResearch
} from "@leadforge/domain"
import { Deferred, Effect, Exit, Fiber, Layer, Option } from "effect"
import {
  pglitePersistence,
  postgresPersistence,
  resolvePostgres
} from "../../packages/adapters/test/support/databases.js"

const postgres = await resolvePostgres()

/** A fresh organization per test, so tests sharing one store never see each other's rows. */
const freshContext = () => ({
  organizationId: newId<OrganizationId>(),
  actor: new Actor({ type: "user", id: "alice" })
})

const failureOf = <A, E>(exit: Exit.Exit<A, E>) =>
  Exit.isFailure(exit) && exit.cause._tag === "Fail" ? exit.cause.error : undefined

/** The model's reply to find_contacts for Acme (acme.example): two good people, two bad, one repeat. */
const proposals = JSON.stringify({
  contacts: [
    { fullName: "Ada Lovelace", email: "ada@acme.example", jobTitle: "CTO", reason: "team page" },
    { firstName: "Grace", lastName: "Hopper", email: "grace.hopper@acme.example", jobTitle: "VP Engineering" },
    { fullName: "Bob Broken", email: "bob(at)acme", jobTitle: "Sales" },
    { jobTitle: "Head of Nothing" },
    { fullName: "Ada L.", email: "ADA@acme.example" }
  ]
})

const always =
  (reply: string): Script =>
  () =>
    reply

const withModel =
  (script: Script) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    Effect.provide(effect, LanguageModelScripted(script))

const handler: TaskHandler<Effect.Effect.Context<ReturnType<typeof runResearchTask>>> = runResearchTask

/** The handler, counting invocations per task id. */
const counting =
  (counts: Map<string, number>, inner = handler): typeof handler =>
  (task) =>
    Effect.suspend(() => {
      counts.set(task.id, (counts.get(task.id) ?? 0) + 1)
      return inner(task)
    })

const acme = (ctx: ReturnType<typeof freshContext>) => createLead(ctx, { companyName: "Acme", domain: "acme.example" })

/** Leases long enough that a loaded machine never lets one lapse by accident; heartbeats fast for cancellation. */
const fast = { lease: "3 seconds", heartbeat: "100 millis", poll: "20 millis", backoff: () => 0 } as const
/** The crash test's lease: short, so the rescue comes soon, but well above one heartbeat's round trip. */
const CRASH_LEASE_MS = 1_200

/** What the suite needs from a backend; the model is provided per test. */
type Needed =
  | Exclude<Effect.Effect.Context<ReturnType<typeof runResearchTask>>, LanguageModel>
  | TaskQueue
  | AuditLog
  | ContactRepository

const researchSuite = (it: Vitest.MethodsNonLive<Needed, true>) => {
  it.effect("submit validates the request, naming each field, and queues an audited task", () =>
    Effect.gen(function* () {
      const ctx = freshContext()
      const lead = yield* acme(ctx)

      const bad = failureOf(yield* submitResearch(ctx, { kind: "find_contacts", leadId: "nope" }).pipe(Effect.exit))
      expect(bad?._tag).toBe("ValidationFailed")
      expect(bad?._tag === "ValidationFailed" && bad.issues.map((i) => i.field)).toContain("leadId")

      const kind = failureOf(yield* submitResearch(ctx, { kind: "dance" }).pipe(Effect.exit))
      expect(kind?._tag === "ValidationFailed" && kind.issues.map((i) => i.field)).toContain("kind")

      const empty = failureOf(yield* submitResearch(ctx, { kind: "query", query: "   " }).pipe(Effect.exit))
      expect(empty?._tag === "ValidationFailed" && empty.issues.map((i) => `${i.field}: ${i.message}`)).toContain(
        "query: must not be empty"
      )

      const attempts = failureOf(
        yield* submitResearch(ctx, { kind: "query", query: "x", maxAttempts: 0 }).pipe(Effect.exit)
      )
      expect(attempts?._tag === "ValidationFailed" && attempts.issues.map((i) => i.field)).toContain("maxAttempts")

      const missingLead = failureOf(
        yield* submitResearch(ctx, { kind: "enrich_company", leadId: newId() }).pipe(Effect.exit)
      )
      expect(missingLead?._tag).toBe("LeadNotFound")

      // another organization's lead is not found either
      const other = failureOf(
        yield* submitResearch(freshContext(), { kind: "find_contacts", leadId: lead.id }).pipe(Effect.exit)
      )
      expect(other?._tag).toBe("LeadNotFound")

      const task = yield* submitResearch(ctx, { kind: "find_contacts", leadId: lead.id, limit: 5, maxAttempts: 2 })
      expect(task.status).toBe("queued")
      expect(task.attempts).toBe(0)
      expect(task.maxAttempts).toBe(2)
      expect(task.input).toMatchObject({ kind: "find_contacts", leadId: lead.id, limit: 5 })

      const stored = yield* getResearch(ctx, task.id)
      expect(stored.status).toBe("queued")
      const page = yield* listResearch(ctx, { status: "queued" })
      expect(page.items.map((t) => t.id)).toEqual([task.id])
      expect(failureOf(yield* getResearch(freshContext(), task.id).pipe(Effect.exit))?._tag).toBe("EntityNotFound")

      const events = yield* (yield* AuditLog).list(ctx.organizationId, {})
      expect(events.items.some((e) => e.entityType === "research_task" && e.entityId === task.id)).toBe(true)

      // leave nothing runnable for later tests
      yield* cancelResearch(ctx, task.id)
    })
  )

  it.effect("find_contacts stores valid proposals with the task as provenance and reports the rejected ones", () =>
    Effect.gen(function* () {
      const ctx = freshContext()
      const lead = yield* acme(ctx)
      const task = yield* submitResearch(ctx, { kind: "find_contacts", leadId: lead.id })

      const outcomes = yield* drain(handler, fast).pipe(withModel(always(proposals)))
      expect(outcomes.map((o) => o._tag)).toEqual(["succeeded"])

      const done = yield* getResearch(ctx, task.id)
      expect(done.status).toBe("succeeded")
      expect(done.attempts).toBe(1)
      expect(done.error).toBeNull()
      const result = done.result as FindContactsResult
      expect(result.kind).toBe("find_contacts")
      expect(result.added.map((a) => a.email).sort()).toEqual(["ada@acme.example", "grace.hopper@acme.example"])
      expect(result.rejected).toHaveLength(2)
      expect(result.rejected[0]?.proposal.fullName).toBe("Bob Broken")
      expect(result.rejected[0]?.issues.map((i) => i.code)).toContain("email_invalid")
      expect(result.rejected[1]?.proposal.jobTitle).toBe("Head of Nothing")
      expect(result.rejected[1]?.issues.length).toBeGreaterThan(0)
      expect(result.duplicates).toHaveLength(1)
      expect(result.duplicates[0]?.proposal.email).toBe("ADA@acme.example")

      const contacts = yield* (yield* ContactRepository).listByLead(ctx.organizationId, lead.id)
      expect(contacts).toHaveLength(2)
      for (const contact of contacts) {
        expect(contact.source).toBe("research")
        expect(contact.provenance.email?.origin).toBe("research")
        expect(contact.provenance.email?.sourceId).toBe(task.id)
        expect(contact.provenance.email?.model).toBe("scripted")
      }
      const grace = contacts.find((c) => c.email === "grace.hopper@acme.example")
      expect(grace?.firstName).toBe("Grace")
      expect(grace?.seniority).toBe("vp")

      // audited as the user who submitted the task
      const events = (yield* (yield* AuditLog).list(ctx.organizationId, {})).items
      const created = events.filter((e) => e.entityType === "contact" && e.action === "create")
      expect(created).toHaveLength(2)
      expect(created.every((e) => e.actor.id === "alice")).toBe(true)
    })
  )

  it.effect("running the same task twice does not duplicate contacts", () =>
    Effect.gen(function* () {
      const ctx = freshContext()
      const lead = yield* acme(ctx)
      const task = yield* submitResearch(ctx, { kind: "find_contacts", leadId: lead.id })
      yield* drain(handler, fast).pipe(withModel(always(proposals)))
      const claimed = yield* getResearch(ctx, task.id)

      const again = (yield* runResearchTask(claimed).pipe(withModel(always(proposals)))) as FindContactsResult
      // the same people are reported as added by this task (in its earlier run), and nothing is stored twice
      expect(again.added.map((a) => [a.email, a.fromEarlierAttempt])).toEqual([
        ["ada@acme.example", true],
        ["grace.hopper@acme.example", true]
      ])
      expect(again.duplicates.map((d) => d.reason)).toEqual(["repeats an earlier proposal in this reply"])
      expect(again.rejected).toHaveLength(2)

      // another task proposing the same people finds them as duplicates of the stored contacts
      const other = yield* submitResearch(ctx, { kind: "find_contacts", leadId: lead.id })
      yield* drain(handler, fast).pipe(withModel(always(proposals)))
      const second = (yield* getResearch(ctx, other.id)).result as FindContactsResult
      expect(second.added).toEqual([])
      expect(second.duplicates.map((d) => d.existingContactId !== null)).toEqual([true, true, false])
      const contacts = yield* (yield* ContactRepository).listByLead(ctx.organizationId, lead.id)
      expect(contacts).toHaveLength(2)
    })
  )

  it.effect("query answers with generateText; enrich_company delegates to enrichLead", () =>
    Effect.gen(function* () {
      const ctx = freshContext()
      const lead = yield* acme(ctx)
      const query = yield* submitResearch(ctx, { kind: "query", query: "Who owns Acme?", leadId: lead.id })
      yield* drain(handler, fast).pipe(withModel(always("Acme is owned by its founders.")))
      const answered = yield* getResearch(ctx, query.id)
      expect(answered.status).toBe("succeeded")
      expect((answered.result as QueryResult).answer).toBe("Acme is owned by its founders.")

      const claim = (value: unknown) => ({ value, confidence: 60, evidence: [] })
      const enrichment = JSON.stringify({
        industry: claim("Software"),
        employeeRange: claim("51-200"),
        fundingStage: claim(null),
        location: claim(null),
        summary: claim("Acme makes things."),
        aiAdoption: { score: 40, confidence: 50, reasons: [] }
      })
      const enrich = yield* submitResearch(ctx, { kind: "enrich_company", leadId: lead.id })
      yield* drain(handler, fast).pipe(withModel(always(enrichment)))
      const enriched = yield* getResearch(ctx, enrich.id)
      expect(enriched.status).toBe("succeeded")
      const claims = (enriched.result as { claims: ReadonlyArray<{ field: string; value: unknown }> }).claims
      expect(claims.find((c) => c.field === "industry")?.value).toBe("software")
    })
  )

  it.effect("waitForResearch returns the finished task from a background worker, or the task as it is at timeout", () =>
    Effect.gen(function* () {
      const ctx = freshContext()
      const idle = yield* submitResearch(ctx, { kind: "query", query: "nobody is working" })
      const notYet = yield* waitForResearch(ctx, idle.id, { timeout: "150 millis", interval: "20 millis" })
      expect(notYet.status).toBe("queued")
      yield* cancelResearch(ctx, idle.id)

      const task = yield* submitResearch(ctx, { kind: "query", query: "What does Acme sell?" })
      const answered = yield* Effect.scoped(
        Effect.gen(function* () {
          yield* Layer.build(researchWorkerLayer(fast).pipe(Layer.provide(LanguageModelScripted(always("Anvils.")))))
          return yield* waitForResearch(ctx, task.id, { timeout: "10 seconds", interval: "20 millis" })
        })
      )
      expect(answered.status).toBe("succeeded")
      expect((answered.result as QueryResult).answer).toBe("Anvils.")
    })
  )

  it.effect("a worker interrupted mid-task leaves its lease; another worker finishes the task after expiry", () =>
    Effect.gen(function* () {
      const ctx = freshContext()
      const lead = yield* acme(ctx)
      const task = yield* submitResearch(ctx, { kind: "find_contacts", leadId: lead.id })
      const started = yield* Deferred.make<void>()
      let calls = 0
      const script: Script = () => {
        calls += 1
        // the first worker hangs in the model call until it is killed
        return calls === 1 ? Effect.zipRight(Deferred.succeed(started, undefined), Effect.never) : proposals
      }
      const model = LanguageModelScripted(script)

      const crashed = yield* Effect.fork(
        runOne(handler, { ...fast, lease: CRASH_LEASE_MS, workerId: "crashing" }).pipe(Effect.provide(model))
      )
      yield* Deferred.await(started)
      yield* Fiber.interrupt(crashed)

      const orphan = yield* getResearch(ctx, task.id)
      expect(orphan.status).toBe("running")
      expect(orphan.leaseOwner).toBe("crashing")

      // the lease has not expired yet: nobody else may take the task
      const early = yield* runOne(handler, { ...fast, workerId: "rescuer" }).pipe(Effect.provide(model))
      expect(Option.isNone(early)).toBe(true)

      const orphanedUntil = (orphan.leaseExpiresAt as Date).getTime()
      yield* Effect.sleep(Math.max(0, orphanedUntil - Date.now()) + 100)
      const rescued = yield* runOne(handler, { ...fast, workerId: "rescuer" }).pipe(Effect.provide(model))
      expect(Option.map(rescued, (o) => o._tag)).toEqual(Option.some("succeeded"))
      const done = yield* getResearch(ctx, task.id)
      expect(done.status).toBe("succeeded")
      expect(done.attempts).toBe(2)
      expect(done.leaseOwner).toBeNull()
      expect(yield* (yield* ContactRepository).listByLead(ctx.organizationId, lead.id)).toHaveLength(2)
    })
  )

  it.effect("two workers running at once never run the same task", () =>
    Effect.gen(function* () {
      const ctx = freshContext()
      const ids: Array<ResearchTaskId> = []
      for (let i = 0; i < 24; i++) {
        ids.push((yield* submitResearch(ctx, { kind: "query", query: `question ${i}` })).id)
      }
      const counts = new Map<string, number>()
      const slow = counting(counts, (task) => Effect.zipRight(Effect.sleep("5 millis"), runResearchTask(task)))
      const [a, b] = yield* Effect.all(
        [
          drain(slow, { ...fast, workerId: "a", concurrency: 2 }),
          drain(slow, { ...fast, workerId: "b", concurrency: 2 })
        ],
        { concurrency: "unbounded" }
      ).pipe(withModel(always("42")))
      expect(a.length + b.length).toBe(24)
      expect([...counts.keys()].sort()).toEqual([...ids].sort())
      expect([...counts.values()].every((n) => n === 1)).toBe(true)
      const tasks = yield* Effect.forEach(ids, (id) => getResearch(ctx, id))
      expect(tasks.every((t) => t.status === "succeeded" && t.attempts === 1)).toBe(true)
    })
  )

  it.effect("cancellation: a queued task never runs; a running one is stopped at the next heartbeat", () =>
    Effect.gen(function* () {
      const ctx = freshContext()
      const lead = yield* acme(ctx)
      const counts = new Map<string, number>()

      const queued = yield* submitResearch(ctx, { kind: "query", query: "never asked" })
      const cancelled = yield* cancelResearch(ctx, queued.id)
      expect(cancelled.status).toBe("cancelled")
      const none = yield* drain(counting(counts), fast).pipe(withModel(always("unused")))
      expect(none).toEqual([])
      expect(counts.has(queued.id)).toBe(false)

      const running = yield* submitResearch(ctx, { kind: "find_contacts", leadId: lead.id })
      const started = yield* Deferred.make<void>()
      const worker = yield* Effect.fork(
        runOne(counting(counts), { ...fast, workerId: "w" }).pipe(
          withModel(() => Effect.zipRight(Deferred.succeed(started, undefined), Effect.never))
        )
      )
      yield* Deferred.await(started)
      expect((yield* cancelResearch(ctx, running.id)).status).toBe("cancelled")
      const outcome = yield* Fiber.join(worker)
      expect(Option.map(outcome, (o: TaskOutcome) => o._tag)).toEqual(Option.some("lost"))
      const after = yield* getResearch(ctx, running.id)
      expect(after.status).toBe("cancelled")
      expect(after.result).toBeNull()
      expect(yield* (yield* ContactRepository).listByLead(ctx.organizationId, lead.id)).toHaveLength(0)

      // cancelling a finished task changes nothing
      expect((yield* cancelResearch(ctx, running.id)).status).toBe("cancelled")
      expect(failureOf(yield* cancelResearch(ctx, newId()).pipe(Effect.exit))?._tag).toBe("EntityNotFound")
    })
  )

  it.effect("a permanent failure (no such lead any more) is marked failed at once, without retries", () =>
    Effect.gen(function* () {
      const ctx = freshContext()
      const lead = yield* acme(ctx)
      const task = yield* submitResearch(ctx, { kind: "find_contacts", leadId: lead.id, maxAttempts: 3 })
      yield* deleteLead(ctx, lead.id)
      const outcomes = yield* drain(handler, { ...fast, permanent: isPermanentResearchFailure }).pipe(
        withModel(always(proposals))
      )
      expect(outcomes.map((o) => (o._tag === "failed" ? o.final : o._tag))).toEqual([true])
      const failed = yield* getResearch(ctx, task.id)
      expect(failed.status).toBe("failed")
      expect(failed.attempts).toBe(1)
      expect(failed.error).toBe(`LeadNotFound: no lead with id ${lead.id}`)
    })
  )

  it.effect("a failing task is retried with backoff, then marked failed with the error", () =>
    Effect.gen(function* () {
      const ctx = freshContext()
      const task = yield* submitResearch(ctx, { kind: "query", query: "will fail", maxAttempts: 3 })
      const counts = new Map<string, number>()
      const down: Script = () => new Unavailable({ service: "llm", reason: "scripted outage" })
      const options = { ...fast, backoff: () => "150 millis" as const }

      const first = yield* drain(counting(counts), options).pipe(withModel(down))
      expect(first.map((o) => o._tag)).toEqual(["failed"])
      const waiting = yield* getResearch(ctx, task.id)
      expect(waiting.status).toBe("queued")
      expect(waiting.attempts).toBe(1)
      expect(waiting.error).toContain("scripted outage")
      // the backoff holds it back
      expect(yield* drain(counting(counts), options).pipe(withModel(down))).toEqual([])

      for (let i = 0; i < 2; i++) {
        yield* Effect.sleep("200 millis")
        yield* drain(counting(counts), options).pipe(withModel(down))
      }
      const failed = yield* getResearch(ctx, task.id)
      expect(failed.status).toBe("failed")
      expect(failed.attempts).toBe(3)
      expect(failed.error).toBe("Unavailable: llm is unavailable: scripted outage")
      expect(counts.get(task.id)).toBe(3)
      // nothing left to run
      yield* Effect.sleep("200 millis")
      expect(yield* drain(counting(counts), options).pipe(withModel(down))).toEqual([])
    })
  )
}

describe("research tasks end to end with the scripted model", () => {
  layer(memoryLayer, { excludeTestServices: true, timeout: 30_000 })("memory", researchSuite)
  layer(pglitePersistence(), { excludeTestServices: true, timeout: 120_000 })("PGlite", researchSuite)
  if (postgres.kind !== "none") {
    layer(postgresPersistence(postgres), { excludeTestServices: true, timeout: 60_000 })("PostgreSQL", researchSuite)
  }
})
