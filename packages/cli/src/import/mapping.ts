import { type ContactFields, contactFieldNames, editableLeadFields, type LeadFields } from "@leadforge/domain"

/** Header names as keys: lower case, letters and digits only ("Company Name" → "companyname"). */
export const headerKey = (header: string): string => header.toLowerCase().replace(/[^a-z0-9]/g, "")

export type ImportType = "leads" | "contacts"

/** Lead fields an import does not set: people own and schedule leads, and an import's source is always "import". */
const notImported = ["ownerId", "nextFollowUpAt", "source"] as const
/** The import's own columns, composing the lead's `location`. */
export const locationParts = ["country", "city", "region"] as const

/** Lead fields an import sets from a column of the same name. */
export type DirectLeadField = Exclude<keyof LeadFields, (typeof notImported)[number] | "location">
export type LeadImportField = DirectLeadField | (typeof locationParts)[number]

const isDirectLeadField = (field: keyof LeadFields): field is DirectLeadField =>
  field !== "location" && !(notImported as ReadonlyArray<string>).includes(field)

/** The lead fields of an import, in the model's order, with `location` given as its parts. */
export const leadFields: ReadonlyArray<LeadImportField> = editableLeadFields.flatMap(
  (field): ReadonlyArray<LeadImportField> =>
    field === "location" ? locationParts : isDirectLeadField(field) ? [field] : []
)

/** The lead fields a row sets directly (the rest of an imported lead is derived or its location). */
export const directLeadFields: ReadonlyArray<DirectLeadField> = editableLeadFields.filter(isDirectLeadField)

/** The import's own columns finding the contact's lead. */
const companyColumns = ["companyDomain", "companyName"] as const

export type ContactImportField = Exclude<keyof ContactFields, "source"> | (typeof companyColumns)[number]

/** The contact fields of an import (every ContactFields field but the source, which is "import"), then the lead's. */
export const contactFields: ReadonlyArray<ContactImportField> = [
  ...contactFieldNames.filter((field): field is Exclude<keyof ContactFields, "source"> => field !== "source"),
  ...companyColumns
]

/** Header aliases per field (compared with headerKey); the field's own name and snake_case always match. */
const leadAliases: Record<LeadImportField, ReadonlyArray<string>> = {
  companyName: ["company", "companyname", "name", "organization", "organisation", "account", "accountname", "business"],
  domain: ["domain", "companydomain", "domainname", "emaildomain"],
  website: ["website", "url", "web", "homepage", "site", "companywebsite", "websiteurl"],
  industry: ["industry", "sector", "vertical"],
  employeeCount: ["employees", "employeecount", "headcount", "companysize", "numberofemployees", "staff", "size"],
  fundingStage: ["funding", "fundingstage", "stage", "fundinground", "lastfundinground"],
  country: ["country", "countrycode", "hqcountry"],
  city: ["city", "hqcity", "town"],
  region: ["region", "state", "province"],
  aiAdoptionScore: ["aiadoptionscore", "aiscore", "aiadoption"],
  tags: ["tags", "tag", "labels"],
  productInterests: ["productinterests", "interests", "products"],
  notes: ["notes", "note", "comments", "comment", "description"]
}

const contactAliases: Record<ContactImportField, ReadonlyArray<string>> = {
  firstName: ["firstname", "first", "givenname", "forename"],
  lastName: ["lastname", "last", "surname", "familyname"],
  fullName: ["fullname", "name", "contactname", "contact", "person"],
  email: ["email", "emailaddress", "mail", "workemail", "businessemail"],
  jobTitle: ["jobtitle", "title", "position", "role"],
  phone: ["phone", "phonenumber", "mobile", "tel", "telephone"],
  linkedinUrl: ["linkedin", "linkedinurl", "linkedinprofile"],
  companyDomain: ["companydomain", "domain", "website", "companywebsite", "url"],
  companyName: ["company", "companyname", "organization", "organisation", "account", "accountname"]
}

export const fieldsOf = (type: ImportType): ReadonlyArray<string> => (type === "leads" ? leadFields : contactFields)

const aliasTable = (type: ImportType): ReadonlyMap<string, string> => {
  const table = new Map<string, string>()
  const aliases: Record<string, ReadonlyArray<string>> = type === "leads" ? leadAliases : contactAliases
  for (const [field, names] of Object.entries(aliases)) {
    table.set(headerKey(field), field)
    for (const name of names) if (!table.has(name)) table.set(name, field)
  }
  return table
}

/** Parses `--map column=field` entries; an unknown field is an error naming the accepted ones. */
export const parseMapOptions = (
  type: ImportType,
  entries: ReadonlyArray<string>
):
  | { readonly ok: true; readonly map: ReadonlyMap<string, string> }
  | { readonly ok: false; readonly message: string } => {
  const byKey = new Map(fieldsOf(type).map((field) => [headerKey(field), field]))
  const map = new Map<string, string>()
  for (const entry of entries) {
    const at = entry.lastIndexOf("=")
    if (at <= 0 || at === entry.length - 1) {
      return { ok: false, message: `--map "${entry}" must look like COLUMN=FIELD, e.g. --map "Firma=companyName"` }
    }
    const column = entry.slice(0, at).trim()
    const field = byKey.get(headerKey(entry.slice(at + 1)))
    if (field === undefined) {
      return {
        ok: false,
        message: `--map "${entry}": unknown ${type} field "${entry.slice(at + 1)}"; fields are ${fieldsOf(type).join(", ")}`
      }
    }
    map.set(headerKey(column), field)
  }
  return { ok: true, map }
}

/** Resolves column names to fields: `--map` first, then the aliases; unknown columns are ignored (and reported). */
export class HeaderMapper {
  private readonly aliases: ReadonlyMap<string, string>
  private readonly cache = new Map<string, string | null>()
  readonly ignored = new Set<string>()

  constructor(
    readonly type: ImportType,
    private readonly overrides: ReadonlyMap<string, string>
  ) {
    this.aliases = aliasTable(type)
  }

  fieldOf(column: string): string | null {
    const cached = this.cache.get(column)
    if (cached !== undefined) return cached
    const key = headerKey(column)
    const field = this.overrides.get(key) ?? this.aliases.get(key) ?? null
    this.cache.set(column, field)
    if (field === null) this.ignored.add(column)
    return field
  }

  /** The record's values by field name; when two columns map to one field the first non-empty value wins. */
  map(values: Readonly<Record<string, unknown>>): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    for (const [column, value] of Object.entries(values)) {
      const field = this.fieldOf(column)
      if (field === null) continue
      if (out[field] === undefined || isBlank(out[field])) out[field] = value
    }
    return out
  }

  /** Which fields the given columns cover (to fail fast when a required one is missing from a CSV header). */
  covered(columns: ReadonlyArray<string>): ReadonlySet<string> {
    const fields = new Set<string>()
    for (const column of columns) {
      const field = this.fieldOf(column)
      if (field !== null) fields.add(field)
    }
    return fields
  }
}

export const isBlank = (value: unknown): boolean =>
  value === null || value === undefined || (typeof value === "string" && value.trim() === "")
