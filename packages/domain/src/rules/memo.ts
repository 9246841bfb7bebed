/**
 * Memoizes a pure one-argument function over strings in a bounded Map (cleared when full). Email
 * domains, company domains and job titles repeat heavily across an import, and their analysis (PSL
 * lookup, punycode, tokenizing) costs more than the lookup.
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
