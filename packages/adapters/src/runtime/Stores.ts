import type { IdempotencyStore, RateLimitStore } from "@leadforge/domain"
import { type ConfigError, Effect, Layer, Option } from "effect"
import { IdempotencyStoreMemory } from "../memory/IdempotencyStoreMemory.js"
import { RateLimitStoreMemory } from "../memory/RateLimitStoreMemory.js"
import { IdempotencyStoreRedis } from "../redis/IdempotencyStoreRedis.js"
import { RateLimitStoreRedis } from "../redis/RateLimitStoreRedis.js"
import { RuntimeSettings, type Settings, settingsLayer } from "./Settings.js"

/** The rate-limit and idempotency stores: in this process's memory, or shared by every process through REDIS_URL. */
export const storesFor = (settings: Settings): Layer.Layer<RateLimitStore | IdempotencyStore> =>
  Option.match(settings.redisUrl, {
    onNone: () => Layer.merge(RateLimitStoreMemory(settings.rateLimit), IdempotencyStoreMemory),
    onSome: (url) =>
      Layer.merge(
        RateLimitStoreRedis({ ...settings.rateLimit, url, keyPrefix: settings.redisKeyPrefix }),
        IdempotencyStoreRedis({ url, keyPrefix: settings.redisKeyPrefix })
      )
  })

export const stores: Layer.Layer<RateLimitStore | IdempotencyStore, ConfigError.ConfigError> = Layer.unwrapEffect(
  Effect.map(RuntimeSettings, storesFor)
).pipe(Layer.provide(settingsLayer))
