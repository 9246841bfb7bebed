import { describe, expect, it } from "@effect/vitest"
import { FastCheck } from "effect"
import { normalizeLinkedInUrl } from "../src/rules/linkedin.js"

describe("normalizeLinkedInUrl", () => {
  it("canonicalizes profile URLs", () => {
    const canonical = "https://www.linkedin.com/in/jane-doe-123"
    for (const input of [
      "https://www.linkedin.com/in/jane-doe-123",
      "https://www.linkedin.com/in/Jane-Doe-123/",
      "http://linkedin.com/in/jane-doe-123?trk=abc#x",
      "linkedin.com/in/jane-doe-123/",
      "www.linkedin.com/in/jane-doe-123",
      "https://de.linkedin.com/in/jane-doe-123/",
      "https://m.linkedin.com/in/jane-doe-123",
      "https://www.linkedin.com/mwlite/in/jane-doe-123",
      "  HTTPS://WWW.LINKEDIN.COM/IN/JANE-DOE-123  ",
      "https://www.linkedin.com/in/jane-doe-123/details/experience/"
    ]) {
      expect(normalizeLinkedInUrl(input), input).toBe(canonical)
    }
  })

  it("rejects non-profile URLs and other hosts", () => {
    for (const input of [
      "https://www.linkedin.com/company/acme",
      "https://www.linkedin.com/school/mit/",
      "https://www.linkedin.com/feed/",
      "https://www.linkedin.com/in/",
      "https://linkedin.com.evil.com/in/jane",
      "https://notlinkedin.com/in/jane",
      "https://twitter.com/in/jane",
      "jane-doe",
      ""
    ]) {
      expect(normalizeLinkedInUrl(input), input).toBeNull()
    }
    expect(normalizeLinkedInUrl(null)).toBeNull()
  })

  it("is idempotent", () => {
    const slug = FastCheck.stringMatching(/^[A-Za-z0-9_-]{1,20}$/)
    const url = FastCheck.tuple(
      FastCheck.constantFrom("", "https://", "http://"),
      FastCheck.constantFrom("linkedin.com", "www.linkedin.com", "de.linkedin.com", "m.linkedin.com", "acme.com"),
      FastCheck.constantFrom("in", "company", "pub"),
      slug,
      FastCheck.constantFrom("", "/", "?x=1", "/#a")
    ).map(([scheme, host, kind, s, tail]) => `${scheme}${host}/${kind}/${s}${tail}`)
    FastCheck.assert(
      FastCheck.property(FastCheck.oneof(url, FastCheck.string()), (s) => {
        const once = normalizeLinkedInUrl(s)
        return once === null || normalizeLinkedInUrl(once) === once
      }),
      { numRuns: 2_000 }
    )
  })
})
