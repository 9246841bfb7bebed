import type { CountryCode } from "libphonenumber-js/min"
import { parsePhoneNumberFromString } from "libphonenumber-js/min"
import type { ContactFields, Department, EmailStatus, Seniority } from "../model/Contact.js"
import { normalizeDomain } from "./domain.js"
import { checkEmail } from "./email.js"
import { normalizeLinkedInUrl } from "./linkedin.js"
import { boundedMemo } from "./memo.js"
import { cleanName, splitFullName } from "./names.js"
import { classifyJobTitle } from "./title.js"

/** Every code a ContactIssue may carry; stable, for clients and translations. */
export const CONTACT_ISSUE_CODES = [
  "missing_name",
  "missing_email",
  "email_invalid",
  "email_disposable",
  "email_role_account",
  "email_domain_mismatch",
  "phone_invalid",
  "linkedin_invalid",
  "company_domain_invalid"
] as const
export type ContactIssueCode = (typeof CONTACT_ISSUE_CODES)[number]

export interface ContactIssue {
  readonly field: string
  readonly code: ContactIssueCode
  readonly message: string
}

export interface NormalizedContact {
  readonly firstName: string | null
  readonly lastName: string | null
  readonly email: string | null
  readonly emailStatus: EmailStatus
  readonly emailConfidence: number
  readonly jobTitle: string | null
  readonly seniority: Seniority
  readonly department: Department
  readonly phone: string | null
  readonly linkedinUrl: string | null
}

export interface ContactValidation {
  readonly status: "valid" | "risky" | "invalid"
  readonly confidence: number
  readonly contact: NormalizedContact
  readonly issues: ReadonlyArray<ContactIssue>
}

export interface ContactValidationOptions {
  readonly companyDomain?: string | null
  readonly defaultCountry?: string
}

const COUNTRY = /^[A-Z]{2}$/
const MAILTO = /^mailto:/i
const SPACES = /\s+/g

const companyRegistrable = boundedMemo(normalizeDomain)
const classifyTitle = boundedMemo(classifyJobTitle)

const normalizePhone = (input: string, defaultCountry: string | undefined): string | null => {
  const country = defaultCountry?.toUpperCase()
  const parsed =
    country !== undefined && COUNTRY.test(country)
      ? parsePhoneNumberFromString(input, country as CountryCode)
      : parsePhoneNumberFromString(input)
  return parsed?.isValid() === true ? parsed.number : null
}

const clamp = (n: number): number => Math.max(0, Math.min(100, Math.round(n)))

/**
 * Cleans a contact and grades it.
 *
 * status:
 * - `invalid` when an email is given and it is invalid, or when there is neither a usable (valid or
 *   risky) email nor any name;
 * - `risky` otherwise when any issue was recorded: a risky email (disposable or role account), an email
 *   whose registrable domain is not the company's (non-free address), no email, no name, an unusable
 *   phone or LinkedIn URL, or a company domain that is not registrable;
 * - `valid` otherwise.
 *
 * confidence (integer 0–100) adds up what is known: name (≤30), email (valid 40, risky 15), title 10,
 * phone 5, LinkedIn 10, company-domain match +15, mismatch −15.
 */
export const validateContact = (input: ContactFields, options: ContactValidationOptions = {}): ContactValidation => {
  const issues: Array<ContactIssue> = []
  const issue = (field: string, code: ContactIssueCode, message: string) => issues.push({ field, code, message })

  let firstName = cleanName(input.firstName)
  let lastName = cleanName(input.lastName)
  if (firstName === null && lastName === null && input.fullName) {
    ;[firstName, lastName] = splitFullName(input.fullName)
  }
  const hasName = firstName !== null || lastName !== null
  if (!hasName) issue("name", "missing_name", "No first, last or full name")

  let email: string | null = null
  let emailStatus: EmailStatus = "unverified"
  let emailConfidence = 0
  let domainMatch = false
  let domainMismatch = false
  const rawEmail = input.email?.trim().replace(MAILTO, "") ?? ""
  if (rawEmail === "") {
    issue("email", "missing_email", "No email address")
  } else {
    const { registrable, validation } = checkEmail(rawEmail)
    emailStatus = validation.status
    if (validation.status === "invalid") {
      issue("email", "email_invalid", `Invalid email address (${validation.reasons.join(", ")})`)
    } else {
      email = validation.normalized
      emailConfidence = validation.status === "valid" ? 85 : 40
      if (validation.disposable) {
        emailConfidence = 10
        issue("email", "email_disposable", "Email domain is a disposable-mail service")
      }
      if (validation.role) issue("email", "email_role_account", "Email address is a role account, not a person")
      if (validation.freeProvider) emailConfidence -= 15
      const company = options.companyDomain ? companyRegistrable(options.companyDomain) : null
      if (options.companyDomain && company === null) {
        issue("companyDomain", "company_domain_invalid", "Company domain has no registrable domain")
      }
      if (company !== null && registrable !== null) {
        if (registrable === company) {
          domainMatch = true
          emailConfidence += 15
        } else if (!validation.freeProvider) {
          domainMismatch = true
          emailConfidence -= 25
          issue("email", "email_domain_mismatch", `Email domain ${registrable} is not the company's (${company})`)
        }
      }
    }
  }

  const rawPhone = input.phone?.trim() ?? ""
  const phone = rawPhone === "" ? null : normalizePhone(rawPhone, options.defaultCountry)
  if (rawPhone !== "" && phone === null) {
    const country = options.defaultCountry?.toUpperCase()
    issue(
      "phone",
      "phone_invalid",
      country !== undefined && COUNTRY.test(country)
        ? `is not a valid phone number (a national number is read as ${country}); give it in international form such as +49 30 1234567`
        : "is not a valid phone number; with no country to read it by, give it in international form such as +49 30 1234567"
    )
  }

  const rawLinkedIn = input.linkedinUrl?.trim() ?? ""
  const linkedinUrl = rawLinkedIn === "" ? null : normalizeLinkedInUrl(rawLinkedIn)
  if (rawLinkedIn !== "" && linkedinUrl === null) {
    issue("linkedinUrl", "linkedin_invalid", "Not a LinkedIn profile URL")
  }

  const jobTitle = input.jobTitle ? input.jobTitle.replace(SPACES, " ").trim() || null : null
  const { department, seniority } = jobTitle === null ? classifyJobTitle(null) : classifyTitle(jobTitle)

  const usableEmail = email !== null
  const status: ContactValidation["status"] =
    emailStatus === "invalid" || (!usableEmail && !hasName)
      ? "invalid"
      : emailStatus === "risky" || domainMismatch || !usableEmail || issues.length > 0
        ? "risky"
        : "valid"

  let confidence = (firstName !== null ? 15 : 0) + (lastName !== null ? 15 : 0)
  confidence += emailStatus === "valid" ? 40 : emailStatus === "risky" ? 15 : 0
  if (domainMatch) confidence += 15
  if (domainMismatch) confidence -= 15
  if (jobTitle !== null) confidence += 10
  if (phone !== null) confidence += 5
  if (linkedinUrl !== null) confidence += 10

  return {
    status,
    confidence: clamp(confidence),
    contact: {
      firstName,
      lastName,
      email,
      emailStatus,
      emailConfidence: clamp(emailConfidence),
      jobTitle,
      seniority,
      department,
      phone,
      linkedinUrl
    },
    issues
  }
}

/** What a contact is checked against when it belongs to a lead: the lead's domain and its country. */
export interface LeadContext {
  readonly domain: string | null
  readonly location: { readonly country: string } | null
}

export interface LeadContactValidation {
  readonly validation: ContactValidation
  /** Why the contact cannot be stored as given; empty when it can. */
  readonly refusals: ReadonlyArray<ContactIssue>
}

/**
 * validateContact for a contact of `lead`: emails are checked against its domain and national phone numbers are read
 * with its country. An invalid contact is refused with every issue; so is one whose phone does not parse even then,
 * since storing it without the number would drop what the caller gave.
 */
export const validateLeadContact = (input: ContactFields, lead: LeadContext): LeadContactValidation => {
  const country = lead.location?.country
  const validation = validateContact(input, {
    companyDomain: lead.domain,
    ...(country === undefined ? {} : { defaultCountry: country })
  })
  const refusals =
    validation.status === "invalid" ? validation.issues : validation.issues.filter((i) => i.code === "phone_invalid")
  return { validation, refusals }
}
