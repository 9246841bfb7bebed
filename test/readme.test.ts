import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "@effect/vitest"
import * as Domain from "@leadforge/domain"

/**
 * The rules' page examples are a contract: every `fn("literal") // "result"` line in a ts block of
 * docs/domain-rules.md is evaluated, and the richer examples are restated below. An edit of the page that drifts
 * from the code fails here.
 */
const rulesPage = readFileSync(fileURLToPath(new URL("../docs/domain-rules.md", import.meta.url)), "utf8")
const tsBlocks = [...rulesPage.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] as string)
const simpleExample = /^(\w+)\(("(?:[^"\\]|\\.)*")\) \/\/ ("(?:[^"\\]|\\.)*"|null)/

describe("domain rules page examples", () => {
  const simple = tsBlocks
    .flatMap((block) => block.split("\n"))
    .map((line) => simpleExample.exec(line.trim()))
    .filter((m): m is RegExpExecArray => m !== null)

  it("has simple examples to check", () => {
    expect(simple.length).toBeGreaterThanOrEqual(4)
  })

  it.each(simple.map((m) => [m[1] as string, m[2] as string, m[3] as string]))("%s(%s) → %s", (fn, arg, result) => {
    const f = (Domain as unknown as Record<string, (input: string) => unknown>)[fn]
    expect(f, `${fn} is exported`).toBeTypeOf("function")
    expect(f?.(JSON.parse(arg))).toEqual(JSON.parse(result))
  })

  it("normalizeDomain's null cases", () => {
    for (const input of ["localhost", "acme", "192.168.0.1", "co.uk"]) expect(Domain.normalizeDomain(input)).toBeNull()
  })

  it("validateEmail examples", () => {
    expect(Domain.validateEmail("Jane.Doe@ACME.com")).toMatchObject({
      status: "valid",
      normalized: "Jane.Doe@acme.com",
      reasons: []
    })
    expect(Domain.validateEmail("info@acme.com")).toMatchObject({
      status: "risky",
      role: true,
      reasons: ["role_account"]
    })
    expect(Domain.validateEmail('"jane"@acme.com')).toMatchObject({ status: "invalid", reasons: ["quoted_local_part"] })
  })

  it("classifyJobTitle example", () => {
    expect(Domain.classifyJobTitle("Sr. Software Engineer")).toEqual({
      seniority: "senior",
      department: "engineering",
      decisionMaker: false
    })
  })

  it("the getting-started example", () => {
    const domain = Domain.normalizeDomain("https://www.Blog.Acme.co.uk/pricing")
    expect(domain).toBe("acme.co.uk")
    const { status, contact } = Domain.validateContact(
      { fullName: "JANE DOE", email: "Jane.Doe@Acme.co.uk", jobTitle: "VP Engineering", phone: "030 1234567" },
      { companyDomain: domain, defaultCountry: "DE" }
    )
    expect(status).toBe("valid")
    expect(contact).toMatchObject({ firstName: "Jane", phone: "+49301234567", seniority: "vp" })
    const score = Domain.scoreLead(
      { industry: "software", employeeCount: 250, country: "DE", contacts: [contact], activities: [] },
      Domain.defaultScoringModel,
      new Date()
    )
    expect(score.factors.length).toBeGreaterThan(0)
    expect(score.factors.every((f) => f.reason.length > 0)).toBe(true)
  })

  it("dedupe examples", () => {
    expect(Domain.leadIdentity({ companyName: "Acme, Inc.", website: "https://www.acme.com/about" })).toEqual({
      kind: "domain",
      value: "acme.com",
      key: "domain:acme.com"
    })
    expect(Domain.leadIdentity({ companyName: "Acme, Inc." })).toEqual({
      kind: "name",
      value: "acme",
      key: "name:acme"
    })
  })
})
