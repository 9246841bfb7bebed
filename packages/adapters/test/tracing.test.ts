import { describe, expect, it } from "@effect/vitest"
import * as Memory from "@leadforge/adapters/memory"
import {
  ActivityRepository,
  ApiKeyRepository,
  AuditLog,
  ContactRepository,
  LeadRepository,
  newId,
  type OrganizationId,
  ProductRepository,
  TaskQueue,
  Transactor
} from "@leadforge/domain"
import { Effect, Tracer } from "effect"
import { activity, contact, draft, lead } from "./contract/fixtures.js"
import { pglitePersistence } from "./support/databases.js"

/** Runs `effect` with a tracer that records the name of every span opened, delegating to the current tracer. */
const recordingSpans = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const names = new Set<string>()
    const current = yield* Effect.tracer
    const recorder = Tracer.make({
      span: (name, ...rest) => {
        names.add(name)
        return current.span(name, ...rest)
      },
      context: (f, fiber) => current.context(f, fiber)
    })
    yield* Effect.withTracer(effect, recorder)
    return names
  })

/** Calls every method of the ports the use cases write through. */
const exerciseEveryMethod = Effect.gen(function* () {
  const org = newId<OrganizationId>()
  const leads = yield* LeadRepository
  const contacts = yield* ContactRepository
  const activities = yield* ActivityRepository
  const log = yield* AuditLog
  const tx = yield* Transactor
  const l = yield* leads.insert(lead(org))
  yield* leads.update(l).pipe(Effect.ignore)
  yield* leads.findById(org, l.id)
  yield* leads.findByIds(org, [l.id])
  yield* leads.findByIdentity(org, `domain:${l.domain}`)
  yield* leads.list(org, {})
  const c = yield* contacts.insert(contact(org, l.id))
  yield* contacts.update(c).pipe(Effect.ignore)
  yield* contacts.findById(org, c.id)
  yield* contacts.findByEmail(org, c.email!)
  yield* contacts.listByLead(org, l.id)
  yield* activities.insert(activity(org, l.id, new Date(0)))
  yield* activities.listByLead(org, l.id)
  const other = (yield* leads.insert(lead(org))).id
  yield* contacts.reassignLead(org, l.id, other)
  yield* activities.reassignLead(org, l.id, other)
  yield* contacts.delete(org, c.id)
  yield* tx.withTransaction(log.append(draft(org, l.id)))
  yield* log.list(org, {})
  yield* log.chain(org)
  yield* leads.delete(org, l.id)
  yield* (yield* ProductRepository).list(org, {})
  yield* (yield* TaskQueue).list(org, {})
  yield* (yield* ApiKeyRepository).findActiveByHash("0".repeat(64))
})

const expectedSpans = (suffix: "Memory" | "Sql") => [
  ...["insert", "update", "findById", "findByIds", "findByIdentity", "list", "delete"].map(
    (m) => `LeadRepository${suffix}.${m}`
  ),
  ...["insert", "update", "findById", "findByEmail", "listByLead", "reassignLead", "delete"].map(
    (m) => `ContactRepository${suffix}.${m}`
  ),
  ...["insert", "listByLead", "reassignLead"].map((m) => `ActivityRepository${suffix}.${m}`),
  ...["append", "list", "chain"].map((m) => `AuditLog${suffix}.${m}`),
  `Transactor${suffix}.withTransaction`,
  `ProductRepository${suffix}.list`,
  `TaskQueue${suffix}.list`,
  `ApiKeyRepository${suffix}.findActiveByHash`
]

describe("every repository method opens a span named after its adapter", () => {
  it.layer(pglitePersistence(), { timeout: 120_000 })("PGlite with the tracer off", (it) => {
    // what the hot methods answer must not depend on whether the tracer is on
    it.effect("the hot methods answer as with the tracer on", () =>
      Effect.gen(function* () {
        const org = newId<OrganizationId>()
        const leads = yield* LeadRepository
        const keys = yield* ApiKeyRepository
        const l = yield* leads.insert(lead(org))
        const on = yield* Effect.all([leads.findById(org, l.id), keys.findActiveByHash("0".repeat(64))])
        const off = yield* Effect.all([leads.findById(org, l.id), keys.findActiveByHash("0".repeat(64))]).pipe(
          Effect.withTracerEnabled(false)
        )
        expect(off).toEqual(on)
        expect(on[0]._tag).toBe("Some")
      })
    )
  })

  it.effect("memory", () =>
    Effect.gen(function* () {
      const names = yield* recordingSpans(exerciseEveryMethod)
      expect(expectedSpans("Memory").filter((n) => !names.has(n))).toEqual([])
    }).pipe(Effect.provide(Memory.layer))
  )

  it.layer(pglitePersistence(), { timeout: 120_000 })("PGlite (the SQL repositories)", (it) => {
    it.effect("SQL", () =>
      Effect.gen(function* () {
        const names = yield* recordingSpans(exerciseEveryMethod)
        expect(expectedSpans("Sql").filter((n) => !names.has(n))).toEqual([])
      })
    )
  })
})
