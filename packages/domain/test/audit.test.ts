import { describe, expect, it } from "@effect/vitest"
import { Arbitrary, FastCheck } from "effect"
import { AuditEvent, AuditEventDraft } from "../src/model/AuditEvent.js"
import { canonicalJson, chainAuditEvent, isAudited, redactPII, verifyAuditChain } from "../src/rules/audit.js"

const org = "6f1c2b0e-0000-4000-8000-000000000001"
const draftArb = Arbitrary.make(AuditEventDraft).map(
  (draft) => new AuditEventDraft({ ...draft, organizationId: org as AuditEventDraft["organizationId"] })
)
const chainOf = (drafts: ReadonlyArray<AuditEventDraft>) => {
  const events: Array<AuditEvent> = []
  for (const draft of drafts) events.push(chainAuditEvent(events.at(-1) ?? null, draft))
  return events
}

describe("audit chain", () => {
  it("a chain of random drafts verifies", () => {
    FastCheck.assert(
      FastCheck.property(FastCheck.array(draftArb, { minLength: 1, maxLength: 8 }), (drafts) => {
        const events = chainOf(drafts)
        expect(verifyAuditChain(events)).toEqual({ valid: true, length: events.length })
        expect(events.map((e) => e.sequence)).toEqual(events.map((_, i) => i + 1))
        expect(events[0]!.prevHash).toBeNull()
      }),
      { numRuns: 50 }
    )
  })

  it("any single-field change at index i breaks the chain at i", () => {
    const mutations: ReadonlyArray<(e: AuditEvent) => Partial<AuditEvent>> = [
      (e) => ({ entityId: `${e.entityId}x` }),
      (e) => ({ at: new Date(e.at.getTime() + 1) }),
      (e) => ({ action: e.action === "create" ? "delete" : "create" }),
      (e) => ({ details: { ...e.details, tampered: true } }),
      (e) => ({ sequence: e.sequence + 1 }),
      (e) => ({ prevHash: "0".repeat(64) === e.prevHash ? "1".repeat(64) : "0".repeat(64) }),
      (e) => ({ hash: e.hash.replace(/^./, (c) => (c === "a" ? "b" : "a")) }),
      () => ({ organizationId: "6f1c2b0e-0000-4000-8000-000000000002" as AuditEvent["organizationId"] }),
      (e) => ({ id: (e.id.startsWith("0") ? `1${e.id.slice(1)}` : `0${e.id.slice(1)}`) as AuditEvent["id"] })
    ]
    FastCheck.assert(
      FastCheck.property(
        FastCheck.array(draftArb, { minLength: 1, maxLength: 6 }),
        FastCheck.nat(),
        FastCheck.nat({ max: mutations.length - 1 }),
        (drafts, at, m) => {
          const events = chainOf(drafts)
          const i = at % events.length
          const target = events[i]!
          const tampered = [...events]
          tampered[i] = new AuditEvent({ ...target, ...mutations[m]!(target) }, { disableValidation: true })
          const result = verifyAuditChain(tampered)
          expect(result.valid).toBe(false)
          if (!result.valid) expect(result.brokenAt).toBe(i)
        }
      ),
      { numRuns: 200 }
    )
  })

  it("detects reordering and deletion", () => {
    FastCheck.assert(
      FastCheck.property(FastCheck.array(draftArb, { minLength: 3, maxLength: 6 }), (drafts) => {
        const events = chainOf(drafts)
        const swapped = [events[0]!, events[2]!, events[1]!, ...events.slice(3)]
        expect(verifyAuditChain(swapped)).toMatchObject({ valid: false, brokenAt: 1 })
        const deleted = [events[0]!, ...events.slice(2)]
        expect(verifyAuditChain(deleted)).toMatchObject({ valid: false, brokenAt: 1 })
        expect(verifyAuditChain(events.slice(1))).toMatchObject({ valid: false, brokenAt: 0 })
      }),
      { numRuns: 30 }
    )
  })

  it("refuses to link a draft of another organization", () => {
    const [first] = chainOf(FastCheck.sample(draftArb, 1))
    const other = new AuditEventDraft({
      ...FastCheck.sample(draftArb, 1)[0]!,
      organizationId: "6f1c2b0e-0000-4000-8000-000000000003" as AuditEventDraft["organizationId"]
    })
    expect(() => chainAuditEvent(first!, other)).toThrow(/organization/)
  })
})

describe("canonicalJson", () => {
  it("is independent of key order, drops undefined, writes Dates as ISO", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, "x"], c: undefined }, t: new Date(0) })).toBe(
      '{"a":{"d":[1,"x"]},"b":1,"t":"1970-01-01T00:00:00.000Z"}'
    )
    FastCheck.assert(
      FastCheck.property(FastCheck.dictionary(FastCheck.string(), FastCheck.jsonValue()), (record) => {
        const reversed = Object.fromEntries(Object.entries(record).reverse())
        expect(canonicalJson(reversed)).toBe(canonicalJson(record))
        expect(JSON.parse(canonicalJson(record))).toEqual(JSON.parse(JSON.stringify(record)))
      })
    )
  })
})

const EMAIL_LIKE = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/
const phoneArb = FastCheck.tuple(
  FastCheck.constantFrom("+1 ", "+49 ", "+44 ", "(", ""),
  FastCheck.stringMatching(/^[2-9]\d{2}$/),
  FastCheck.constantFrom(" ", "-", ".", ") "),
  FastCheck.stringMatching(/^\d{3}$/),
  FastCheck.constantFrom(" ", "-", "."),
  FastCheck.stringMatching(/^\d{4}$/)
).map((parts) => (parts[0] === "(" ? parts.join("") : parts.join("").replace(")", "")))

describe("redactPII", () => {
  it("leaves no email address or phone number anywhere", () => {
    FastCheck.assert(
      FastCheck.property(
        // a local part made of the mask character ("*@a.aa" → "***@a.aa") cannot be told from its mask
        FastCheck.emailAddress().filter((email) => !email.slice(0, email.lastIndexOf("@")).includes("*")),
        phoneArb,
        FastCheck.string({ maxLength: 10 }).map((s) => s.replace(/[\d@]/g, "")),
        (email, phone, filler) => {
          const details = {
            note: `reach ${email}${filler} or ${phone}.`,
            nested: [{ deep: `tel: ${phone}` }, 42, `${email}`],
            count: 7
          }
          const redacted = redactPII(details)
          const text = JSON.stringify(redacted)
          expect(text).not.toContain(email)
          expect(text).not.toContain(phone)
          expect(text.replace(/\D/g, "")).not.toContain(phone.replace(/\D/g, ""))
          expect(EMAIL_LIKE.test(redacted.note.replace(/\*\*\*@/g, "@@"))).toBe(false)
          expect(Object.keys(redacted)).toEqual(["note", "nested", "count"])
          expect(redacted.nested[1]).toBe(42)
          expect(redacted.count).toBe(7)
        }
      ),
      { numRuns: 300 }
    )
  })

  it("masks in a readable form and keeps dates, UUIDs and plain numbers", () => {
    expect(redactPII({ a: "mail jane.doe@acme.com" }).a).toBe("mail j***@acme.com")
    expect(redactPII({ a: "mail j@acme.com" }).a).toBe("mail ***@acme.com")
    const kept =
      "2026-11-23T14:30:10.000Z, 2026-11-23 14:30, 123e4567-e89b-12d3-a456-426614174000, 42 employees, 1500000 rows, 3.14159265"
    expect(redactPII([kept])).toEqual([kept])
    expect(redactPII("call +1 (415) 555-0123 now")).toBe("call ***23 now")
  })
})

describe("isAudited", () => {
  it("audits every write to every entity type", () => {
    expect(isAudited("lead", "merge")).toBe(true)
    expect(isAudited("api_key", "delete")).toBe(true)
    expect(isAudited("research_task", "research")).toBe(true)
  })
})
