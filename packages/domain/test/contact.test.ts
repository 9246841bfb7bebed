import { describe, expect, it } from "@effect/vitest"
import { Arbitrary, FastCheck } from "effect"
import { ContactFields } from "../src/model/Contact.js"
import { CONTACT_ISSUE_CODES, validateContact } from "../src/rules/contact.js"
import { cleanName, splitFullName } from "../src/rules/names.js"

const codes = (v: ReturnType<typeof validateContact>) => v.issues.map((i) => i.code)

describe("names", () => {
  it("collapses whitespace and title-cases single-case names sensibly", () => {
    expect(cleanName("  jane   DOE ")).toBe("jane DOE")
    expect(cleanName("JANE")).toBe("Jane")
    expect(cleanName("mcdonald")).toBe("McDonald")
    expect(cleanName("O'NEIL")).toBe("O'Neil")
    expect(cleanName("anna-lena")).toBe("Anna-Lena")
    expect(cleanName("ludwig van der berg")).toBe("Ludwig van der Berg")
    expect(cleanName("DeVito")).toBe("DeVito")
    expect(cleanName("   ")).toBeNull()
  })

  it("splits full names", () => {
    expect(splitFullName("jane doe")).toEqual(["Jane", "Doe"])
    expect(splitFullName("Doe, Jane")).toEqual(["Jane", "Doe"])
    expect(splitFullName("Jan van der Berg")).toEqual(["Jan", "van der Berg"])
    expect(splitFullName("Cher")).toEqual(["Cher", null])
  })
})

describe("validateContact", () => {
  it("normalizes a good contact at the company's domain", () => {
    const v = validateContact(
      {
        fullName: "  JANE   DOE ",
        email: " Jane.Doe@Acme.COM ",
        jobTitle: "VP of  Sales",
        phone: "(415) 555-2671",
        linkedinUrl: "de.linkedin.com/in/Jane-Doe/"
      },
      { companyDomain: "https://www.acme.com", defaultCountry: "US" }
    )
    expect(v.status).toBe("valid")
    expect(v.issues).toEqual([])
    expect(v.contact).toEqual({
      firstName: "Jane",
      lastName: "Doe",
      email: "Jane.Doe@acme.com",
      emailStatus: "valid",
      emailConfidence: 100,
      jobTitle: "VP of Sales",
      seniority: "vp",
      department: "sales",
      phone: "+14155552671",
      linkedinUrl: "https://www.linkedin.com/in/jane-doe"
    })
    expect(v.confidence).toBe(100)
  })

  it("raises confidence for a company-domain match and flags a mismatch", () => {
    const base = { firstName: "Jane", lastName: "Doe", jobTitle: "CTO" }
    const match = validateContact({ ...base, email: "jane@acme.com" }, { companyDomain: "acme.com" })
    const noCompany = validateContact({ ...base, email: "jane@acme.com" })
    const mismatch = validateContact({ ...base, email: "jane@globex.com" }, { companyDomain: "acme.com" })
    const free = validateContact({ ...base, email: "jane@gmail.com" }, { companyDomain: "acme.com" })
    expect(match.confidence).toBeGreaterThan(noCompany.confidence)
    expect(mismatch.confidence).toBeLessThan(noCompany.confidence)
    expect(codes(mismatch)).toEqual(["email_domain_mismatch"])
    expect(mismatch.status).toBe("risky")
    expect(codes(free)).toEqual([])
    expect(free.contact.emailConfidence).toBeLessThan(match.contact.emailConfidence)
  })

  it("grades risky and invalid contacts as documented", () => {
    const risky = validateContact({ firstName: "Jane", email: "info@acme.com" })
    expect(risky.status).toBe("risky")
    expect(codes(risky)).toContain("email_role_account")
    const disposable = validateContact({ firstName: "Jane", email: "jane@mailinator.com" })
    expect(disposable.status).toBe("risky")
    expect(codes(disposable)).toContain("email_disposable")
    const badEmail = validateContact({ firstName: "Jane", email: "jane@@acme.com" })
    expect(badEmail.status).toBe("invalid")
    expect(badEmail.contact.email).toBeNull()
    expect(badEmail.contact.emailStatus).toBe("invalid")
    const nothing = validateContact({ jobTitle: "CEO" })
    expect(nothing.status).toBe("invalid")
    expect(codes(nothing)).toEqual(["missing_name", "missing_email"])
    const nameOnly = validateContact({ fullName: "Jane Doe" })
    expect(nameOnly.status).toBe("risky")
    expect(nameOnly.contact.emailStatus).toBe("unverified")
  })

  it("drops an invalid phone or LinkedIn URL with an issue", () => {
    const v = validateContact(
      { firstName: "Jane", email: "jane@acme.com", phone: "12", linkedinUrl: "https://linkedin.com/company/acme" },
      { defaultCountry: "DE" }
    )
    expect(v.contact.phone).toBeNull()
    expect(v.contact.linkedinUrl).toBeNull()
    expect(codes(v)).toEqual(["phone_invalid", "linkedin_invalid"])
    expect(validateContact({ firstName: "J", phone: "030 1234567" }, { defaultCountry: "de" }).contact.phone).toBe(
      "+49301234567"
    )
  })

  it("uses only the exported issue codes; confidence is an integer in 0..100", () => {
    const known = new Set<string>(CONTACT_ISSUE_CODES)
    const fields = Arbitrary.make(ContactFields)
    const interesting = FastCheck.record(
      {
        firstName: FastCheck.constantFrom("jane", "", "  ", "O'NEIL"),
        email: FastCheck.constantFrom("jane@acme.com", "info@acme.com", "x@mailinator.com", "bad", "j@gmail.com"),
        phone: FastCheck.constantFrom("+1 415 555 2671", "1", "abc"),
        linkedinUrl: FastCheck.constantFrom("linkedin.com/in/jane", "https://x.com")
      },
      { requiredKeys: [] }
    )
    FastCheck.assert(
      FastCheck.property(
        FastCheck.oneof(fields, interesting),
        FastCheck.constantFrom(undefined, "acme.com", "localhost"),
        (input, companyDomain) => {
          const v = validateContact(input, companyDomain === undefined ? {} : { companyDomain })
          return (
            Number.isInteger(v.confidence) &&
            v.confidence >= 0 &&
            v.confidence <= 100 &&
            Number.isInteger(v.contact.emailConfidence) &&
            v.contact.emailConfidence >= 0 &&
            v.contact.emailConfidence <= 100 &&
            v.issues.every((i) => known.has(i.code))
          )
        }
      ),
      { numRuns: 1_000 }
    )
  })
})
