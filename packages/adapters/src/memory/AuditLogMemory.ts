import { AuditLog, chainAuditEvent } from "@leadforge/domain"
import { Effect, HashMap, Layer, Option, Ref } from "effect"
import { decodeCursor, encodeCursor, MemoryStore } from "./MemoryStore.js"
import { traced } from "./traced.js"

/** The audit chain per organization; appends are serialized so the chain never forks. */
export const AuditLogMemory: Layer.Layer<AuditLog, never, MemoryStore> = Layer.effect(
  AuditLog,
  Effect.gen(function* () {
    const { tables, lock } = yield* MemoryStore
    const chainOf = (organizationId: string) =>
      Ref.get(tables).pipe(Effect.map((t) => Option.getOrElse(HashMap.get(t.audit, organizationId), () => [])))
    return AuditLog.of(
      traced("AuditLogMemory", {
        append: (draft) =>
          lock.withPermits(1)(
            Ref.modify(tables, (t) => {
              const chain = Option.getOrElse(HashMap.get(t.audit, draft.organizationId), () => [])
              const event = chainAuditEvent(chain[chain.length - 1] ?? null, draft)
              return [event, { ...t, audit: HashMap.set(t.audit, draft.organizationId, [...chain, event]) }] as const
            })
          ),
        list: (organizationId, query) =>
          Effect.zip(chainOf(organizationId), decodeCursor(query.cursor, ["number"])).pipe(
            Effect.map(([chain, cursor]) => {
              const limit = Math.max(1, Math.min(query.limit ?? 100, 1000))
              const after = cursor?.[0]
              const rows = chain.filter(
                (e) =>
                  (query.entityType === undefined || e.entityType === query.entityType) &&
                  (query.entityId === undefined || e.entityId === query.entityId) &&
                  (query.from === undefined || e.at >= query.from) &&
                  (query.to === undefined || e.at < query.to) &&
                  (typeof after !== "number" || e.sequence > after)
              )
              const items = rows.slice(0, limit)
              const last = items[items.length - 1]
              return {
                items,
                nextCursor: rows.length > limit && last !== undefined ? encodeCursor([last.sequence]) : null
              }
            })
          ),
        chain: chainOf
      })
    )
  })
)
