import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import { LeadId, newId } from "../src/index.js"

describe("newId", () => {
  it("makes RFC 9562 version-4 UUIDs that decode as branded ids", () => {
    for (let i = 0; i < 1_000; i++) {
      const id = newId<LeadId>()
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
      expect(Schema.decodeUnknownSync(LeadId)(id)).toBe(id)
    }
  })

  it("never repeats in 100,000 draws", () => {
    const seen = new Set<string>()
    for (let i = 0; i < 100_000; i++) seen.add(newId())
    expect(seen.size).toBe(100_000)
  })
})
