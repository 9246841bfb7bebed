import { OneTimeLink, OneTimeLinkRepository } from "@leadforge/domain"
import { Effect, HashMap, Layer, Option, Ref } from "effect"
import { MemoryStore } from "./MemoryStore.js"
import { traced } from "./traced.js"

export const OneTimeLinkRepositoryMemory: Layer.Layer<OneTimeLinkRepository, never, MemoryStore> = Layer.effect(
  OneTimeLinkRepository,
  Effect.gen(function* () {
    const { tables, lock } = yield* MemoryStore
    return OneTimeLinkRepository.of(
      traced("OneTimeLinkRepositoryMemory", {
        insert: (link) =>
          lock.withPermits(1)(
            Effect.as(
              Ref.update(tables, (t) => ({ ...t, links: HashMap.set(t.links, link.id, link) })),
              link
            )
          ),
        findByTokenHash: (tokenHash) =>
          Effect.map(Ref.get(tables), (t) =>
            Option.fromNullable([...HashMap.values(t.links)].find((l) => l.tokenHash === tokenHash))
          ),
        markUsed: (id, at) =>
          lock.withPermits(1)(
            Ref.modify(tables, (t) => {
              const found = HashMap.get(t.links, id)
              if (Option.isNone(found) || found.value.usedAt !== null) return [false, t]
              const used = new OneTimeLink({ ...found.value, usedAt: at })
              return [true, { ...t, links: HashMap.set(t.links, id, used) }]
            })
          )
      })
    )
  })
)
