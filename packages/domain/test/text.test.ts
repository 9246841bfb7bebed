import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck, Schema } from "effect"
import { DateTime, Int4, LeadFields, Location, SafeText, Text, unsafeTextAt } from "../src/index.js"

const accepts = <A, I>(schema: Schema.Schema<A, I>, input: unknown) =>
  Either.isRight(Schema.decodeUnknownEither(schema)(input))

describe("storable text", () => {
  it("well-formed text without NUL is storable: every code point from U+0001 up, surrogate pairs included", () => {
    FastCheck.assert(
      FastCheck.property(FastCheck.string({ unit: "grapheme" }), (text) => {
        const clean = text.replaceAll("\u0000", "")
        expect(unsafeTextAt(clean)).toBe(-1)
        expect(accepts(SafeText, clean)).toBe(true)
      })
    )
  })

  it("a NUL or an unpaired surrogate anywhere is found, at its index", () => {
    const bad = FastCheck.constantFrom("\u0000", "\ud800", "\udbff", "\udc00", "\udfff")
    FastCheck.assert(
      FastCheck.property(
        FastCheck.string({ unit: "grapheme" }),
        bad,
        FastCheck.string({ unit: "grapheme" }),
        (a, b, c) => {
          const before = a.replaceAll("\u0000", "")
          // A high surrogate followed by a low one would pair up: keep the bad unit alone.
          const after = c.replaceAll("\u0000", "").replace(/^[\udc00-\udfff]/, "x")
          const text = `${before}${b}${after}`
          expect(unsafeTextAt(text)).toBe(before.length)
          expect(accepts(SafeText, text)).toBe(false)
        }
      )
    )
  })

  it("Text(max) names its limit; Int4 and DateTime bound what PostgreSQL stores", () => {
    expect(accepts(Text(5), "12345")).toBe(true)
    expect(accepts(Text(5), "123456")).toBe(false)
    expect(accepts(Int4, 2_147_483_647)).toBe(true)
    expect(accepts(Int4, 2_147_483_648)).toBe(false)
    expect(accepts(DateTime, "0001-01-01T00:00:00.000Z")).toBe(true)
    expect(accepts(DateTime, "9999-12-31T23:59:59.999Z")).toBe(true)
    expect(accepts(DateTime, "+275760-09-13T00:00:00.000Z")).toBe(false)
    expect(accepts(DateTime, "-000001-01-01T00:00:00.000Z")).toBe(false)
  })

  it("LeadFields refuses unstorable text, over-long fields and an employee count past int4", () => {
    const issues = (input: unknown) =>
      Either.match(Schema.decodeUnknownEither(LeadFields, { errors: "all" })(input), {
        onLeft: (error) => error.message,
        onRight: () => ""
      })
    expect(issues({ companyName: "Acme" })).toBe("")
    expect(issues({ companyName: "A\u0000" })).toContain("NUL")
    expect(issues({ companyName: "Acme", industry: "x".repeat(101) })).toContain("at most 100")
    expect(issues({ companyName: "Acme", employeeCount: 2_147_483_648 })).toContain("2147483647")
  })
})

describe("a lead's location", () => {
  const city = "x".repeat(150)

  it("as submitted, a city or region is at most 100 characters, and a valid one becomes a Location", () => {
    const tooLong = Schema.decodeUnknownEither(LeadFields)({ companyName: "Acme", location: { city, country: "DE" } })
    expect(Either.isLeft(tooLong)).toBe(true)
    const ok = Schema.decodeUnknownSync(LeadFields)({
      companyName: "Acme",
      location: { city: "Berlin", country: "DE" }
    })
    expect(ok.location).toBeInstanceOf(Location)
  })

  it("as stored, any length still loads (rows written before the input limits)", () => {
    const stored = Schema.decodeUnknownSync(Location)({ city, region: city, country: "DE" })
    expect(stored.city).toBe(city)
  })
})
