import { FastCheck } from "effect"
import { describe, expect, it } from "vitest"
import { SeenKeys } from "../src/import/SeenKeys.js"

describe("SeenKeys (the import's in-file duplicate check)", () => {
  it("answers exactly as a Map of first rows would, through many resizes (property)", () => {
    FastCheck.assert(
      FastCheck.property(FastCheck.array(FastCheck.string({ maxLength: 6 }), { maxLength: 3_000 }), (keys) => {
        const seen = new SeenKeys()
        const map = new Map<string, number>()
        keys.forEach((key, row) => {
          const expected = map.get(key)
          if (expected === undefined) map.set(key, row)
          expect(seen.firstRowOr(key, row)).toBe(expected)
        })
        expect(seen.size).toBe(map.size)
      }),
      { numRuns: 60 }
    )
  })

  it("keeps 200,000 distinct identities apart and finds every repeat with its first row", () => {
    const seen = new SeenKeys()
    for (let i = 0; i < 200_000; i++) expect(seen.firstRowOr(`domain:company-${i}.com`, i + 1)).toBeUndefined()
    for (let i = 0; i < 200_000; i += 997) expect(seen.firstRowOr(`domain:company-${i}.com`, 999_999)).toBe(i + 1)
    expect(seen.size).toBe(200_000)
  })
})
