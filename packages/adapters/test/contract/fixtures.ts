import {
  Activity,
  type ActivityId,
  Actor,
  type AuditEventDraft,
  type AuditEventId,
  Contact,
  type ContactId,
  AuditEventDraft as Draft,
  Lead,
  type LeadId,
  LeadRepository,
  newId,
  type OrganizationId
} from "@leadforge/domain"
import { Effect } from "effect"

export const orgA = newId<OrganizationId>()
export const orgB = newId<OrganizationId>()

const at = new Date("2026-01-01T00:00:00.000Z")
let counter = 0
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}`

export const lead = (
  organizationId: OrganizationId,
  overrides: Partial<ConstructorParameters<typeof Lead>[0]> = {}
) => {
  const name = `Company ${unique()}`
  return new Lead({
    id: newId<LeadId>(),
    organizationId,
    companyName: name,
    domain: `${name.toLowerCase().replace(/\s+/g, "-")}.com`,
    website: null,
    industry: "software",
    employeeCount: 50,
    fundingStage: "seed",
    location: null,
    aiAdoptionScore: null,
    leadScore: 50,
    grade: "C",
    status: "new",
    source: "manual",
    tags: [],
    ownerId: null,
    nextFollowUpAt: null,
    productInterests: [],
    notes: null,
    confidence: 80,
    provenance: {},
    createdAt: at,
    updatedAt: at,
    version: 1,
    ...overrides
  })
}

export const contact = (
  organizationId: OrganizationId,
  leadId: LeadId,
  overrides: Partial<ConstructorParameters<typeof Contact>[0]> = {}
) =>
  new Contact({
    id: newId<ContactId>(),
    organizationId,
    leadId,
    firstName: "Ada",
    lastName: "Lovelace",
    email: `ada.${unique()}@example.com`,
    emailStatus: "unverified",
    emailConfidence: 50,
    jobTitle: "CTO",
    seniority: "c_level",
    department: "engineering",
    phone: null,
    linkedinUrl: null,
    source: "manual",
    provenance: {},
    createdAt: at,
    updatedAt: at,
    version: 1,
    ...overrides
  })

export const activity = (organizationId: OrganizationId, leadId: LeadId, occurredAt: Date) =>
  new Activity({
    id: newId<ActivityId>(),
    organizationId,
    leadId,
    contactId: null,
    kind: "note",
    occurredAt,
    summary: "called",
    createdAt: occurredAt
  })

export const draft = (organizationId: OrganizationId, entityId: string): AuditEventDraft =>
  new Draft({
    id: newId<AuditEventId>(),
    organizationId,
    at,
    actor: Actor.system,
    action: "create",
    entityType: "contact",
    entityId,
    details: { note: "created" }
  })

/** A lead stored through the port, for rows that refer to it (the SQL foreign keys need it to exist). */
export const storedLeadId = (organizationId: OrganizationId) =>
  Effect.flatMap(LeadRepository, (leads) => leads.insert(lead(organizationId))).pipe(Effect.map((l) => l.id))
