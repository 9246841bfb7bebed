import { RefreshToken, RefreshTokenRepository } from "@leadforge/domain"
import { Effect, HashMap, Layer, Option, Ref } from "effect"
import { MemoryStore } from "./MemoryStore.js"
import { traced } from "./traced.js"

export const RefreshTokenRepositoryMemory: Layer.Layer<RefreshTokenRepository, never, MemoryStore> = Layer.effect(
  RefreshTokenRepository,
  Effect.gen(function* () {
    const { tables, lock } = yield* MemoryStore
    return RefreshTokenRepository.of(
      traced("RefreshTokenRepositoryMemory", {
        insert: (token) =>
          lock.withPermits(1)(
            Effect.as(
              Ref.update(tables, (t) => ({
                ...t,
                refreshTokens: HashMap.set(t.refreshTokens, token.tokenHash, token)
              })),
              token
            )
          ),
        findByHash: (tokenHash) => Effect.map(Ref.get(tables), (t) => HashMap.get(t.refreshTokens, tokenHash)),
        markUsed: (tokenHash, at) =>
          lock.withPermits(1)(
            Ref.modify(tables, (t) => {
              const found = HashMap.get(t.refreshTokens, tokenHash)
              if (Option.isNone(found) || found.value.usedAt !== null) return [false, t]
              const used = new RefreshToken({ ...found.value, usedAt: at })
              return [true, { ...t, refreshTokens: HashMap.set(t.refreshTokens, tokenHash, used) }]
            })
          )
      })
    )
  })
)
