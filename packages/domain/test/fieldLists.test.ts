import { describe, expect, it } from "@effect/vitest"
import { SchemaAST } from "effect"
import { Contact, ContactFields, contactFieldNames, contactValueFields } from "../src/model/Contact.js"
import { editableLeadFields, Lead, LeadFields, LeadPatch } from "../src/model/Lead.js"
import {
  contactExportColumns,
  contactExportFields,
  leadExportColumns,
  leadExportFields
} from "../src/rules/exportRecords.js"

/**
 * Every field of the model is either settable (and so in the field lists derived from LeadFields/ContactFields) or
 * one of these, which the system sets. A field added to the model fails here until it is put on one side.
 */
const systemLeadFields = [
  "id",
  "organizationId",
  "leadScore",
  "grade",
  "status",
  "confidence",
  "provenance",
  "createdAt",
  "updatedAt",
  "version"
]
const systemContactFields = [
  "id",
  "organizationId",
  "leadId",
  "source",
  "provenance",
  "createdAt",
  "updatedAt",
  "version"
]

const keys = (fields: object) => Object.keys(fields).sort()

describe("field lists follow the model", () => {
  it("the editable lead fields are the Lead fields the system does not set, in LeadFields' order", () => {
    expect(editableLeadFields).toEqual(Object.keys(LeadFields.fields))
    expect(SchemaAST.getPropertySignatures(LeadPatch.ast).map((p) => String(p.name))).toEqual(editableLeadFields)
    for (const field of editableLeadFields) expect(Object.keys(Lead.fields)).toContain(field)
    expect([...editableLeadFields, ...systemLeadFields].sort()).toEqual(keys(Lead.fields))
  })

  it("the contact fields a caller submits are Contact fields, but for the full name that validation splits", () => {
    expect(contactFieldNames).toEqual(Object.keys(ContactFields.fields))
    for (const field of contactFieldNames.filter((f) => f !== "fullName")) {
      expect(Object.keys(Contact.fields)).toContain(field)
    }
  })

  it("a contact's own values are every Contact field but its bookkeeping", () => {
    for (const field of contactValueFields) expect(Object.keys(Contact.fields)).toContain(field)
    expect([...contactValueFields, ...systemContactFields].sort()).toEqual(keys(Contact.fields))
    for (const field of contactFieldNames.filter((f) => f !== "fullName" && f !== "source")) {
      expect(contactValueFields).toContain(field)
    }
  })

  it("the export reads fields of the model and writes one column per field (location as its three parts)", () => {
    for (const field of leadExportFields) expect(Object.keys(Lead.fields)).toContain(field)
    for (const field of contactExportFields) expect(Object.keys(Contact.fields)).toContain(field)
    expect(leadExportColumns).toHaveLength(leadExportFields.length - 1 + 3)
    expect(contactExportColumns).toHaveLength(contactExportFields.length + 2)
  })
})
