import { String as Str } from "effect"

/**
 * Column names are a small fixed set, yet the clients rename every key of every row (and every inserted column)
 * on every statement; remembering the answers takes the renaming off the per-row path. Bounded in case a caller
 * feeds arbitrary keys.
 */
const memoized = (rename: (name: string) => string, limit = 4_096) => {
  const cache = new Map<string, string>()
  return (name: string): string => {
    let renamed = cache.get(name)
    if (renamed === undefined) {
      renamed = rename(name)
      if (cache.size < limit) cache.set(name, renamed)
    }
    return renamed
  }
}

/** camelCase field → snake_case column, for `transformQueryNames`. */
export const camelToSnake = memoized(Str.camelToSnake)

/** snake_case column → camelCase field, for `transformResultNames`. */
export const snakeToCamel = memoized(Str.snakeToCamel)
