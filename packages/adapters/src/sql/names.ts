import { boundedMemo } from "@leadforge/domain"
import { String as Str } from "effect"

/*
 * Column names are a small fixed set, yet the clients rename every key of every row (and every inserted column)
 * on every statement; remembering the answers takes the renaming off the per-row path.
 */

/** camelCase field → snake_case column, for `transformQueryNames`. */
export const camelToSnake = boundedMemo(Str.camelToSnake)

/** snake_case column → camelCase field, for `transformResultNames`. */
export const snakeToCamel = boundedMemo(Str.snakeToCamel)
