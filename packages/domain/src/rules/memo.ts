/**
 * The one memo helper: memoizes a pure one-argument function over strings in a Map of at most `limit` entries,
 * cleared when full (the eviction rule: whole-cache reset, so a run of distinct keys costs one clear, not a
 * bookkeeping step per call). Email domains, company domains, job titles and SQL column names repeat heavily,
 * and computing them costs more than the lookup; a caller feeding arbitrary keys cannot grow it without bound.
 */
export const boundedMemo = <A>(f: (key: string) => A, limit = 10_000): ((key: string) => A) => {
  const cache = new Map<string, A>()
  return (key) => {
    const hit = cache.get(key)
    if (hit !== undefined || cache.has(key)) return hit as A
    const value = f(key)
    if (cache.size >= limit) cache.clear()
    cache.set(key, value)
    return value
  }
}
