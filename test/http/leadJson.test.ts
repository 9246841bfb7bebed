import { describe, expect, it } from "@effect/vitest"
import {
  FieldProvenance,
  Lead,
  type LeadId,
  Location,
  newId,
  type OrganizationId,
  type UserId
} from "@leadforge/domain"
import { Schema } from "effect"
import { LeadPage } from "../../packages/http/src/groups/leads/LeadsApi.js"

/**
 * GET /api/v1/leads/:id and the list page answer with JSON.stringify of the Lead values instead of encoding them
 * through the endpoint's success schema. That is only right while the two give the same JSON; this holds them
 * equal for every field shape a Lead has.
 */
const at = new Date("2026-01-01T00:00:00.000Z")
const base = {
  organizationId: newId<OrganizationId>(),
  companyName: "Acme",
  domain: null,
  website: null,
  industry: null,
  employeeCount: null,
  fundingStage: null,
  location: null,
  aiAdoptionScore: null,
  leadScore: 0,
  grade: "D",
  status: "new",
  source: "manual",
  tags: [],
  ownerId: null,
  nextFollowUpAt: null,
  productInterests: [],
  notes: null,
  confidence: 0,
  provenance: {},
  createdAt: at,
  updatedAt: at,
  version: 1
} as const

const leads = [
  new Lead({ ...base, id: newId<LeadId>() }),
  new Lead({
    ...base,
    id: newId<LeadId>(),
    domain: "acme.com",
    website: "https://acme.com",
    industry: "Software",
    employeeCount: 12,
    fundingStage: "seed",
    location: new Location({ city: "Berlin", country: "DE" }),
    aiAdoptionScore: 40,
    leadScore: 77,
    grade: "B",
    status: "qualified",
    source: "import",
    tags: ["x", "ü"],
    ownerId: newId<UserId>(),
    nextFollowUpAt: new Date("2026-05-06T07:08:09.010Z"),
    productInterests: ["crm"],
    notes: 'line\nbreak "quotes" \u2028',
    confidence: 90,
    provenance: {
      industry: new FieldProvenance({ origin: "llm", confidence: 55, observedAt: at, model: "m", evidence: ["e"] }),
      domain: new FieldProvenance({ origin: "import", confidence: 100, observedAt: at, sourceId: "s" })
    },
    version: 3
  }),
  new Lead({ ...base, id: newId<LeadId>(), location: new Location({ region: "CA", country: "US" }) })
]

describe("lead responses", () => {
  it("a Lead's JSON is its schema encoding", () => {
    for (const lead of leads) {
      expect(JSON.parse(JSON.stringify(lead))).toEqual(Schema.encodeSync(Lead)(lead))
    }
  })
  it("a page's JSON is the page schema's encoding", () => {
    for (const nextCursor of [null, "abc"]) {
      const page = { items: leads, nextCursor }
      expect(JSON.parse(JSON.stringify(page))).toEqual(Schema.encodeSync(LeadPage)(page))
    }
  })
})
