import { ContactFields, editableLeadFields, LeadFields } from "@leadforge/domain"
import { describe, expect, it } from "vitest"
import {
  contactFields,
  directLeadFields,
  fieldsOf,
  HeaderMapper,
  leadFields,
  locationParts
} from "../src/import/mapping.js"

describe("the import's fields follow the model", () => {
  it("lead columns are the editable lead fields an import sets, with location as country, city and region", () => {
    expect(leadFields).toEqual([
      "companyName",
      "domain",
      "website",
      "industry",
      "employeeCount",
      "fundingStage",
      "country",
      "city",
      "region",
      "aiAdoptionScore",
      "tags",
      "productInterests",
      "notes"
    ])
    for (const field of directLeadFields) expect(Object.keys(LeadFields.fields)).toContain(field)
    const notImported = editableLeadFields.filter((f) => !(leadFields as ReadonlyArray<string>).includes(f))
    expect(notImported).toEqual(["location", "ownerId", "nextFollowUpAt", "source"])
    expect(leadFields.filter((f) => !(directLeadFields as ReadonlyArray<string>).includes(f))).toEqual([
      ...locationParts
    ])
  })

  it("contact columns are the contact fields but the source, then the lead's domain and name", () => {
    expect(contactFields).toEqual([
      ...Object.keys(ContactFields.fields).filter((f) => f !== "source"),
      "companyDomain",
      "companyName"
    ])
  })

  it("every import field is found by its own name in a header", () => {
    for (const type of ["leads", "contacts"] as const) {
      const mapper = new HeaderMapper(type, new Map())
      for (const field of fieldsOf(type)) expect(mapper.fieldOf(field)).toBe(field)
    }
  })
})
