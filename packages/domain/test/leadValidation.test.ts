import { describe, expect, it } from "@effect/vitest"
import { Arbitrary, Either, FastCheck, Schema } from "effect"
import { FieldProvenance } from "../src/model/common.js"
import type { LeadId, OrganizationId } from "../src/model/ids.js"
import { Lead, LeadFields } from "../src/model/Lead.js"
import { buildDecodedLead, buildLead, normalizeLeadFields } from "../src/usecases/LeadValidation.js"

const now = new Date("2026-11-23T10:00:00.000Z")
const entry = new FieldProvenance({ origin: "import", confidence: 80, observedAt: now })

/** Decoded lead fields, with company names that trimming can empty or leave too long. */
const fieldsArbitrary = FastCheck.tuple(
  Arbitrary.make(LeadFields),
  FastCheck.oneof(
    FastCheck.string({ maxLength: 30 }),
    FastCheck.constantFrom("", " ", "\t\n", "  Acme  "),
    FastCheck.integer({ min: 195, max: 205 }).map((n) => ` ${"x".repeat(n)} `)
  )
).map(([fields, companyName]) => ({ ...fields, companyName }))

const build = (builder: typeof buildLead, fields: typeof LeadFields.Type) => {
  const { normalized, issues } = normalizeLeadFields(fields)
  return builder(
    {
      id: "0b8e3c9a-4a9d-4d2e-9a36-3c1f0f6d2b11" as LeadId,
      organizationId: "5d0b7f5e-8a51-4d7c-9d0e-6a1b2c3d4e5f" as OrganizationId,
      ...normalized,
      leadScore: 0,
      grade: "D",
      status: "new",
      source: "import",
      confidence: 80,
      provenance: { companyName: entry },
      createdAt: now,
      updatedAt: now,
      version: 1
    },
    issues
  )
}

const plainIssues = (result: ReturnType<typeof buildLead>) =>
  Either.isLeft(result) ? result.left.issues.map(({ field, code, message }) => ({ field, code, message })) : null

describe("buildDecodedLead", () => {
  it("returns what buildLead returns for every decoded and normalized input", () => {
    let built = 0
    let rejected = 0
    FastCheck.assert(
      FastCheck.property(fieldsArbitrary, (fields) => {
        const full = build(buildLead, fields)
        const fast = build(buildDecodedLead, fields)
        expect(plainIssues(fast)).toEqual(plainIssues(full))
        if (Either.isRight(full) && Either.isRight(fast)) {
          built++
          expect(fast.right).toBeInstanceOf(Lead)
          expect(Schema.encodeSync(Lead)(fast.right)).toEqual(Schema.encodeSync(Lead)(full.right))
        } else {
          rejected++
        }
      }),
      { numRuns: 3000 }
    )
    // the property saw both outcomes, so neither half of it is vacuous
    expect(built).toBeGreaterThan(100)
    expect(rejected).toBeGreaterThan(100)
  })

  it("rejects a name that is blank or too long once trimmed, with normalization's issues first", () => {
    const blank = build(buildDecodedLead, { companyName: "   ", website: "not a url" })
    expect(plainIssues(blank)?.map((i) => i.field)).toEqual(["website", "companyName"])
    const long = build(buildDecodedLead, { companyName: ` ${"a".repeat(201)} ` })
    expect(plainIssues(long)).toEqual([{ field: "companyName", code: "invalid", message: expect.any(String) }])
    const fine = build(buildDecodedLead, { companyName: ` ${"a".repeat(200)} `, website: "https://www.Acme.co.uk/x" })
    expect(Either.getOrThrow(fine).companyName).toBe("a".repeat(200))
    expect(Either.getOrThrow(fine).domain).toBe("acme.co.uk")
  })
})
