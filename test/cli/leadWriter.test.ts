import { Lead } from "@leadforge/domain"
import { Arbitrary, FastCheck, Schema } from "effect"
import { describe, expect, it } from "vitest"
import { COLUMNS, leadColumns } from "../../packages/cli/src/import/leadWriter.js"

const json = (value: unknown) => (value === null || value === undefined ? null : JSON.parse(JSON.stringify(value)))

/** What leadColumns replaced: the row built from Schema.encode of the lead. */
const fromEncoding = (lead: Lead, identityKey: string) => {
  const e = Schema.encodeSync(Lead)(lead)
  return {
    ...e,
    identityKey,
    location: json(e.location),
    tags: json(e.tags),
    productInterests: json(e.productInterests),
    provenance: json(e.provenance)
  }
}

const parsedJson = (row: ReturnType<typeof leadColumns>) => ({
  ...row,
  location: row.location === null ? null : JSON.parse(row.location),
  tags: JSON.parse(row.tags ?? "null"),
  productInterests: JSON.parse(row.productInterests ?? "null"),
  provenance: JSON.parse(row.provenance ?? "null")
})

describe("the import's row encoding", () => {
  it("equals the Lead schema's encoding for any lead (property)", () => {
    FastCheck.assert(
      FastCheck.property(Arbitrary.make(Lead), FastCheck.string(), (lead, key) => {
        expect(parsedJson(leadColumns(lead, key))).toEqual(fromEncoding(lead, key))
      }),
      { numRuns: 300 }
    )
  })

  it("has exactly one COPY column per value, in the same order", () => {
    const lead = FastCheck.sample(Arbitrary.make(Lead), 1)[0]!
    const snake = Object.keys(leadColumns(lead, "k")).map((k) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`))
    expect(snake).toEqual([...COLUMNS])
  })
})
