import { Conversation, ConversationRepository, EntityNotFound } from "@leadforge/domain"
import { Clock, Effect, HashMap, Layer, Option, Ref } from "effect"
import { MemoryStore, newestFirst, scoped } from "./MemoryStore.js"
import { traced } from "./traced.js"

export const ConversationRepositoryMemory: Layer.Layer<ConversationRepository, never, MemoryStore> = Layer.effect(
  ConversationRepository,
  Effect.gen(function* () {
    const { tables, lock } = yield* MemoryStore
    return ConversationRepository.of(
      traced("ConversationRepositoryMemory", {
        insert: (c) =>
          Ref.update(tables, (t) => ({ ...t, conversations: HashMap.set(t.conversations, c.id, c) })).pipe(
            Effect.as(c)
          ),
        appendMessage: (organizationId, id, message) =>
          Effect.gen(function* () {
            const at = new Date(yield* Clock.currentTimeMillis)
            const t = yield* Ref.get(tables)
            const found = HashMap.get(t.conversations, id).pipe(
              Option.filter((c) => c.organizationId === organizationId)
            )
            if (Option.isNone(found)) return yield* new EntityNotFound({ entity: "conversation", id })
            const next = new Conversation({
              ...found.value,
              messages: [...found.value.messages, message],
              updatedAt: at
            })
            yield* Ref.set(tables, { ...t, conversations: HashMap.set(t.conversations, id, next) })
            return next
          }).pipe(lock.withPermits(1)),
        findById: (organizationId, id) =>
          Ref.get(tables).pipe(
            Effect.map((t) =>
              HashMap.get(t.conversations, id).pipe(Option.filter((c) => c.organizationId === organizationId))
            )
          ),
        listByLead: (organizationId, leadId) =>
          Ref.get(tables).pipe(
            Effect.map((t) =>
              scoped(t.conversations, organizationId)
                .filter((c) => c.leadId === leadId)
                .sort(newestFirst)
            )
          )
      })
    )
  })
)
