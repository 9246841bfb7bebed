import type { Contact } from "../model/Contact.js"
import type { Lead } from "../model/Lead.js"

/**
 * What `leadforge export` writes: one record per lead or contact, with snake_case columns in a fixed order that
 * `leadforge import` maps back onto the same fields (so an export re-imports as it is).
 */
export const leadExportColumns = [
  "company_name",
  "domain",
  "website",
  "industry",
  "employee_count",
  "funding_stage",
  "country",
  "city",
  "region",
  "ai_adoption_score",
  "tags",
  "product_interests",
  "notes",
  "lead_score",
  "grade",
  "status",
  "id",
  "created_at"
] as const

export const contactExportColumns = [
  "first_name",
  "last_name",
  "email",
  "job_title",
  "phone",
  "linkedin_url",
  "company_domain",
  "company_name",
  "email_status",
  "seniority",
  "department",
  "id",
  "created_at"
] as const

/** The lead fields an exported lead is made of; a reader needs to load these and no more. */
export const leadExportFields = [
  "id",
  "companyName",
  "domain",
  "website",
  "industry",
  "employeeCount",
  "fundingStage",
  "location",
  "aiAdoptionScore",
  "tags",
  "productInterests",
  "notes",
  "leadScore",
  "grade",
  "status",
  "createdAt"
] as const satisfies ReadonlyArray<keyof Lead>

/** The contact fields an exported contact is made of (its company columns come from its lead). */
export const contactExportFields = [
  "id",
  "firstName",
  "lastName",
  "email",
  "jobTitle",
  "phone",
  "linkedinUrl",
  "emailStatus",
  "seniority",
  "department",
  "createdAt"
] as const satisfies ReadonlyArray<keyof Contact>

export type LeadExportSource = Pick<Lead, (typeof leadExportFields)[number]>
export type ContactExportSource = Pick<Contact, (typeof contactExportFields)[number]>

export type LeadExportRecord = ReturnType<typeof leadExportRecord>
export type ContactExportRecord = ReturnType<typeof contactExportRecord>

/** A lead as an export record: `location` split into country, city and region; times as ISO 8601. */
export const leadExportRecord = (lead: LeadExportSource) => ({
  company_name: lead.companyName,
  domain: lead.domain,
  website: lead.website,
  industry: lead.industry,
  employee_count: lead.employeeCount,
  funding_stage: lead.fundingStage,
  country: lead.location?.country ?? null,
  city: lead.location?.city ?? null,
  region: lead.location?.region ?? null,
  ai_adoption_score: lead.aiAdoptionScore,
  tags: lead.tags,
  product_interests: lead.productInterests,
  notes: lead.notes,
  lead_score: lead.leadScore,
  grade: lead.grade,
  status: lead.status,
  id: lead.id,
  created_at: lead.createdAt.toISOString()
})

/** A contact as an export record, with its lead's domain and name as the company it belongs to. */
export const contactExportRecord = (
  contact: ContactExportSource,
  lead: { readonly domain: string | null; readonly companyName: string }
) => ({
  first_name: contact.firstName,
  last_name: contact.lastName,
  email: contact.email,
  job_title: contact.jobTitle,
  phone: contact.phone,
  linkedin_url: contact.linkedinUrl,
  company_domain: lead.domain,
  company_name: lead.companyName,
  email_status: contact.emailStatus,
  seniority: contact.seniority,
  department: contact.department,
  id: contact.id,
  created_at: contact.createdAt.toISOString()
})
