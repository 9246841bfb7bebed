import { MemoryStore, layer as memoryLayer } from "@leadforge/adapters/memory"
import { Actor, AuditLog, newId, type OrganizationId } from "@leadforge/domain"
import { Effect, HashMap, Layer, Ref } from "effect"

export const orgA = newId<OrganizationId>()
export const orgB = newId<OrganizationId>()
export const ctxA = { organizationId: orgA, actor: new Actor({ type: "user", id: "alice" }) }
export const ctxB = { organizationId: orgB, actor: new Actor({ type: "user", id: "bob" }) }

/** A fresh set of memory adapters per test. */
export const freshLayer = () => memoryLayer

/** The memory adapters with an AuditLog that always fails, to check that nothing else sticks. */
export const failingAuditLayer = () =>
  Layer.merge(
    memoryLayer,
    Layer.succeed(
      AuditLog,
      AuditLog.of({
        append: () => Effect.die(new Error("audit log down")),
        list: () => Effect.succeed({ items: [], nextCursor: null }),
        chain: () => Effect.succeed([])
      })
    )
  )

export const storedCounts = Effect.gen(function* () {
  const t = yield* Ref.get((yield* MemoryStore).tables)
  return {
    leads: HashMap.size(t.leads),
    contacts: HashMap.size(t.contacts),
    activities: HashMap.size(t.activities),
    audit: Array.from(HashMap.values(t.audit)).reduce((n, chain) => n + chain.length, 0)
  }
})
