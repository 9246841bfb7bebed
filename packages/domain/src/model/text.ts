import { Schema } from "effect"

/**
 * Where a string cannot be stored: a NUL character (PostgreSQL text and jsonb refuse it) or a lone UTF-16
 * surrogate (it has no UTF-8 encoding). The index of the first such code unit, or -1.
 */
export const unsafeTextAt = (value: string): number => {
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i)
    if (unit === 0) return i
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = value.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++
        continue
      }
      return i
    }
    if (unit >= 0xdc00 && unit <= 0xdfff) return i
  }
  return -1
}

export const UNSAFE_TEXT_MESSAGE = "must not contain NUL characters or unpaired UTF-16 surrogates"

/** A string that can be stored and sent as UTF-8: no NUL, no lone surrogate. */
export const SafeText = Schema.String.pipe(
  Schema.filter((value) => unsafeTextAt(value) === -1, {
    message: () => UNSAFE_TEXT_MESSAGE,
    jsonSchema: {}
  })
)

/**
 * The documented maximum lengths of text fields, in UTF-16 code units. Every string the API or an import takes has
 * one, so no request can make a row (or an index entry, or a page of results) arbitrarily large.
 */
export const TextLimits = {
  name: 200,
  industry: 100,
  notes: 10_000,
  url: 2_048,
  email: 254,
  domain: 253,
  personName: 100,
  jobTitle: 200,
  phone: 32,
  tag: 64,
  id: 100,
  query: 200,
  description: 10_000,
  instructions: 4_000
} as const

/** SafeText of at most `max` code units; the limit is in the schema, so the OpenAPI document shows it. */
export const Text = (max: number) =>
  SafeText.pipe(Schema.maxLength(max, { message: () => `must be at most ${max} characters long` }))

/** The largest value a PostgreSQL `integer` (int4) column holds. */
export const INT4_MAX = 2_147_483_647

/** An integer that fits an int4 column. */
export const Int4 = Schema.Int.pipe(
  Schema.between(-INT4_MAX - 1, INT4_MAX, { message: () => `must be an integer from ${-INT4_MAX - 1} to ${INT4_MAX}` })
)

/** A non-negative integer that fits an int4 column. */
export const NonNegativeInt4 = Schema.Int.pipe(
  Schema.between(0, INT4_MAX, { message: () => `must be an integer from 0 to ${INT4_MAX}` })
)

/** 0001-01-01T00:00:00.000Z (Date.UTC reads the years 0 to 99 as 1900 to 1999). */
const MIN_TIME = -62_135_596_800_000
const MAX_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999)

/**
 * A date-time in the years 0001–9999: what PostgreSQL's timestamptz, ISO 8601 without expanded years, and every
 * client can round-trip (JavaScript dates reach ±275760, where arithmetic and formatting fail).
 */
export const DateTime = Schema.Date.pipe(
  Schema.filter(
    (date) => {
      const time = date.getTime()
      return time >= MIN_TIME && time <= MAX_TIME
    },
    { message: () => "must be a date-time in the years 0001 to 9999" }
  )
).annotations({ description: "An ISO 8601 date-time in the years 0001 to 9999" })
