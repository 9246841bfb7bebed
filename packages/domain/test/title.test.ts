import { describe, expect, it } from "@effect/vitest"
import { classifyJobTitle } from "../src/rules/title.js"

const cases: Array<[string, string, string, boolean]> = [
  ["CEO", "c_level", "executive", true],
  ["Chief Executive Officer", "c_level", "executive", true],
  ["Co-Founder & CTO", "owner", "engineering", true],
  ["Founder", "owner", "executive", true],
  ["Owner", "owner", "executive", true],
  ["CFO", "c_level", "finance", true],
  ["Chief Information Security Officer", "c_level", "security", true],
  ["VP of Sales", "vp", "sales", true],
  ["SVP, Marketing", "vp", "marketing", true],
  ["Vice President Engineering", "vp", "engineering", true],
  ["Head of Product", "head", "product", true],
  ["Director of IT", "director", "it", true],
  ["Senior Director, Finance", "director", "finance", true],
  ["Customer Success Manager", "manager", "customer_success", false],
  ["Sr. Software Engineer", "senior", "engineering", false],
  ["Lead Engineer", "senior", "engineering", false],
  ["Engineering Lead", "manager", "engineering", false],
  ["Product Owner", "unknown", "product", false],
  ["Marketing Intern", "intern", "marketing", false],
  ["Jr. Data Analyst", "entry", "data", false],
  ["Executive Assistant to the CEO", "entry", "operations", false],
  ["Software Engineer", "unknown", "engineering", false],
  ["Account Executive", "unknown", "sales", false],
  ["General Counsel", "unknown", "legal", false],
  ["Talent Acquisition Partner", "unknown", "hr", false],
  ["Geschäftsführer", "c_level", "executive", true],
  ["Vertriebsleiter", "head", "sales", true],
  ["Werkstudent Marketing", "intern", "marketing", false],
  ["Directeur Général", "c_level", "executive", true],
  ["Gerente de Ventas", "manager", "sales", false]
]

describe("classifyJobTitle", () => {
  it.each(cases)("%s → %s / %s", (title, seniority, department, decisionMaker) => {
    expect(classifyJobTitle(title)).toEqual({ seniority, department, decisionMaker })
  })

  it("is unknown for missing or meaningless titles", () => {
    const unknown = { seniority: "unknown", department: "unknown", decisionMaker: false }
    expect(classifyJobTitle(null)).toEqual(unknown)
    expect(classifyJobTitle(undefined)).toEqual(unknown)
    expect(classifyJobTitle("")).toEqual(unknown)
    expect(classifyJobTitle("Wizard of Odd Things")).toEqual(unknown)
  })
})
