import { FieldProvenance, Lead, type LeadId, newId, type OrganizationId } from "@leadforge/domain"
import { Either } from "effect"
import { describe, expect, it } from "vitest"
import { prepareLead } from "../src/import/leadRows.js"
import { mergeImported } from "../src/import/leadWriter.js"

const organizationId = newId<OrganizationId>()
const earlier = new Date("2026-01-01T00:00:00Z")
const now = new Date("2026-06-01T00:00:00Z")

const stored = (provenance: Lead["provenance"]) =>
  new Lead({
    id: newId<LeadId>(),
    organizationId,
    companyName: "Acme GmbH",
    domain: "acme.de",
    website: "acme.de",
    industry: "software",
    employeeCount: null,
    fundingStage: null,
    location: null,
    aiAdoptionScore: null,
    leadScore: 40,
    grade: "C",
    status: "contacted",
    source: "manual",
    tags: [],
    ownerId: null,
    nextFollowUpAt: null,
    productInterests: [],
    notes: null,
    confidence: 100,
    provenance,
    createdAt: earlier,
    updatedAt: earlier,
    version: 3
  })

const row = (record: Record<string, unknown>) => {
  const prepared = prepareLead(7, record, organizationId, now)
  if (Either.isLeft(prepared)) throw new Error(JSON.stringify(prepared.left))
  return prepared.right
}

describe("import merge policy", () => {
  it("keeps user-entered values, fills empty ones, and keeps status and version lineage", () => {
    const merged = mergeImported(
      stored({}),
      row({ companyName: "Acme", domain: "acme.de", industry: "fintech", employeeCount: "120" }),
      false,
      now
    )
    expect(merged?.industry).toBe("software")
    expect(merged?.companyName).toBe("Acme GmbH")
    expect(merged?.employeeCount).toBe(120)
    expect(merged?.status).toBe("contacted")
    expect(merged?.version).toBe(4)
    expect(merged?.provenance.employeeCount?.origin).toBe("import")
  })

  it("replaces user-entered values with --overwrite", () => {
    const merged = mergeImported(
      stored({}),
      row({ companyName: "Acme", domain: "acme.de", industry: "fintech" }),
      true,
      now
    )
    expect(merged?.industry).toBe("fintech")
    expect(merged?.companyName).toBe("Acme")
    expect(merged?.provenance.industry?.origin).toBe("import")
  })

  it("lets a newer import replace an older imported value", () => {
    const imported = new FieldProvenance({ origin: "import", confidence: 80, observedAt: earlier })
    const merged = mergeImported(
      stored({ industry: imported, companyName: imported }),
      row({ companyName: "Acme GmbH", domain: "acme.de", industry: "fintech" }),
      false,
      now
    )
    expect(merged?.industry).toBe("fintech")
  })

  it("reports no change when the row says what is stored", () => {
    expect(
      mergeImported(stored({}), row({ companyName: "Acme GmbH", domain: "acme.de", industry: "software" }), false, now)
    ).toBeNull()
  })

  it("rejects a row naming the field and the reason", () => {
    const prepared = prepareLead(
      9,
      { companyName: "X", employeeCount: "many", country: "Germany" },
      organizationId,
      now
    )
    expect(Either.isLeft(prepared) && prepared.left.map((i) => [i.row, i.field, i.code])).toEqual([
      [9, "country", "invalid_country"],
      [9, "employeeCount", "invalid_number"]
    ])
  })
})
