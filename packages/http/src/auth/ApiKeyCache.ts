import type { ApiKey, ApiKeyId } from "@leadforge/domain"
import { Context, Layer } from "effect"

/**
 * Active keys this process resolved recently, by hash, so that a request costs one database round trip (its own
 * query) instead of two. An entry lives API_KEY_CACHE_SECONDS (default 5; 0 turns the cache off). Revoking a key
 * through this server forgets it at once; a revocation made elsewhere (another server process, `leadforge keys
 * revoke`) is honoured here within that TTL. Unknown and revoked keys are never remembered, so a new key works
 * at once everywhere, and guessing keys cannot fill the memory.
 */
export class ApiKeyCache extends Context.Tag("@leadforge/http/ApiKeyCache")<
  ApiKeyCache,
  {
    readonly get: (hash: string) => ApiKey | undefined
    readonly remember: (hash: string, key: ApiKey) => void
    readonly forget: (id: ApiKeyId) => void
  }
>() {}

/** Entries at most: beyond that the oldest go first (a server has a handful of keys in use). */
const CACHE_LIMIT = 10_000

/** The cache with entries that live `seconds` (0 turns it off). */
export const apiKeyCacheLayer = (seconds: number) =>
  Layer.sync(ApiKeyCache, () => {
    const ttl = Math.max(0, seconds) * 1_000
    const entries = new Map<string, { readonly key: ApiKey; readonly until: number }>()
    return ApiKeyCache.of({
      get: (hash) => {
        const entry = entries.get(hash)
        if (entry === undefined) return undefined
        if (Date.now() < entry.until) return entry.key
        entries.delete(hash)
        return undefined
      },
      remember: (hash, key) => {
        if (ttl === 0) return
        if (entries.size >= CACHE_LIMIT) entries.delete(entries.keys().next().value!)
        entries.set(hash, { key, until: Date.now() + ttl })
      },
      forget: (id) => {
        for (const [hash, entry] of entries) if (entry.key.id === id) entries.delete(hash)
      }
    })
  })
