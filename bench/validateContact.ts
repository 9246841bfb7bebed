import { parsePhoneNumberFromString } from "libphonenumber-js/min"
import MailChecker from "mailchecker"
import type { ContactFields } from "../packages/domain/dist/index.js"
import { validateContact } from "../packages/domain/dist/index.js"

const disposable = new Set(MailChecker.blacklist())

import { getDomain } from "tldts"
import { compare, measure, report } from "./harness.js"

/** A deterministic, realistic mix: most rows have name + email + title; some phone, some LinkedIn. */
const inputs = (count: number): Array<{ fields: ContactFields; companyDomain: string }> => {
  let seed = 42
  const next = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648
    return seed / 2_147_483_648
  }
  const pick = <A>(xs: ReadonlyArray<A>): A => xs[Math.floor(next() * xs.length)]!
  const firsts = ["Jane", "JOHN", "maria", "Luca", "Aiko", "Olu", "Siobhan", "Pierre", "Anna-Lena", "Ravi"]
  const lasts = ["Doe", "SMITH", "o'neil", "McDonald", "van der Berg", "Müller", "Rossi", "Tanaka", "Okafor", "Nguyen"]
  const titles = [
    "CEO",
    "VP of Sales",
    "Senior Software Engineer",
    "Head of Marketing",
    "Customer Success Manager",
    "Director of IT",
    "Co-Founder & CTO",
    "Account Executive",
    "Marketing Intern",
    "Geschäftsführer"
  ]
  const companies = ["acme.com", "globex.co.uk", "initech.de", "umbrella.io", "hooli.com"]
  // Distinct numbers, so no cache can hide libphonenumber-js's cost.
  const phoneFor = (i: number) =>
    pick([
      `+49 30 ${1_000_000 + i}`,
      `(415) 555-${String(1_000 + (i % 9_000))}`,
      `020 7946 ${String(i % 10_000).padStart(4, "0")}`,
      `${i}`
    ])
  const rows: Array<{ fields: ContactFields; companyDomain: string }> = []
  for (let i = 0; i < count; i++) {
    const company = pick(companies)
    const first = pick(firsts)
    const last = pick(lasts)
    const r = next()
    const domain = r < 0.75 ? company : r < 0.85 ? "gmail.com" : r < 0.9 ? "mailinator.com" : "other-corp.com"
    const local = r > 0.97 ? "info" : `${first.toLowerCase()}.${last.toLowerCase().replace(/[^a-z]/g, "")}`
    const fields: ContactFields = {
      ...(next() < 0.9 ? { firstName: first, lastName: last } : { fullName: `${first} ${last}` }),
      ...(next() < 0.92 ? { email: r > 0.99 ? `${local}@@${domain}` : `${local}@${domain}` } : {}),
      ...(next() < 0.85 ? { jobTitle: pick(titles) } : {}),
      ...(next() < 0.15 ? { phone: phoneFor(i) } : {}),
      ...(next() < 0.3 ? { linkedinUrl: `https://de.linkedin.com/in/${first.toLowerCase()}-${i}/` } : {})
    }
    rows.push({ fields, companyDomain: company })
  }
  return rows
}

export const run = () => {
  const rows = inputs(4_096)
  // The floor: only the libraries' calls on the same fields (PSL lookup, disposable list, phone parse and
  // validity), no syntax checks, names, titles, issues or confidence.
  const floor = measure("baseline: tldts + mailchecker + libphonenumber", (i) => {
    const { fields, companyDomain } = rows[i & 4_095]!
    const email = fields.email ?? ""
    const at = email.lastIndexOf("@")
    const phone = fields.phone ? parsePhoneNumberFromString(fields.phone, "US")?.isValid() : undefined
    return [getDomain(email.slice(at + 1)), getDomain(companyDomain), disposable.has(email.slice(at + 1)), phone]
  })
  const full = measure("validateContact (mixed realistic input)", (i) => {
    const row = rows[i & 4_095]!
    return validateContact(row.fields, { companyDomain: row.companyDomain, defaultCountry: "US" })
  })
  compare(full, floor, 200_000)
  const withoutPhones = rows.map(({ fields: { phone: _phone, ...fields }, companyDomain }) => ({
    fields,
    companyDomain
  }))
  report(
    measure("validateContact (same rows, phones removed)", (i) => {
      const row = withoutPhones[i & 4_095]!
      return validateContact(row.fields, { companyDomain: row.companyDomain, defaultCountry: "US" })
    }),
    200_000
  )
}

if (import.meta.url === `file://${process.argv[1]}`) run()
