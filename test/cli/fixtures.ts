/** A leads CSV mixing good rows with rows the import must reject, each for one clear reason. */
export const mixedLeadsCsv = [
  "Company,Website,Industry,Employees,Funding,Country,City,Tags",
  "Acme GmbH,https://www.acme.de,software,120,Series A,DE,Berlin,ai;saas",
  'Globex Inc.,globex.com,manufacturing,"1,500",public,US,Springfield,',
  "Initech,initech.io,fintech,40,seed,GB,London,b2b",
  ",nocompany.com,software,10,,US,,",
  "Bad Employees Ltd,bademp.com,software,lots,,US,,",
  "Umbrella Corp,umbrella.com,biotech,800,series z,US,,",
  "Acme AG,acme.de,software,130,,DE,,",
  "Hooli,hooli.xyz,software,5000,public,us,Palo Alto,"
].join("\n")

/** The same companies as NDJSON with other header names, mapped with --map. */
export const leadsNdjson = [
  { Firma: "Acme GmbH", domain: "acme.de", industry: "software", employees: 150 },
  { Firma: "Stark Industries", website: "https://stark.com", industry: "manufacturing", country: "US" }
]
  .map((r) => JSON.stringify(r))
  .join("\n")

export const contactsCsv = [
  "first_name,last_name,email,title,company_domain",
  "Jane,Doe,jane.doe@acme.de,CTO,acme.de",
  "Info,Desk,info@globex.com,,globex.com",
  "John,Smith,john@@initech.io,CEO,initech.io",
  "Mary,Major,mary@unknown-co.com,CEO,unknown-co.com"
].join("\n")

/** `n` distinct, valid leads. */
export const manyLeadsCsv = (n: number) => {
  const lines = ["company_name,domain,industry,employee_count,country"]
  for (let i = 0; i < n; i++) lines.push(`Company ${i},company-${i}.com,software,${10 + (i % 900)},DE`)
  return `${lines.join("\n")}\n`
}
