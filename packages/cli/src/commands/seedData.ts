import type { ActivityKind } from "@leadforge/domain"

/** mulberry32: a small deterministic PRNG, so `seed --demo` produces the same data set every time. */
const prng = (seed: number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const INDUSTRIES = [
  "software",
  "fintech",
  "healthcare",
  "manufacturing",
  "logistics",
  "retail",
  "education",
  "cybersecurity",
  "energy",
  "biotech",
  "media",
  "consulting"
]
const PLACES: ReadonlyArray<readonly [country: string, city: string, tld: string]> = [
  ["US", "San Francisco", "com"],
  ["US", "New York", "com"],
  ["US", "Austin", "io"],
  ["DE", "Berlin", "de"],
  ["DE", "Munich", "de"],
  ["GB", "London", "co.uk"],
  ["FR", "Paris", "fr"],
  ["NL", "Amsterdam", "nl"],
  ["SE", "Stockholm", "se"],
  ["ES", "Barcelona", "es"],
  ["CA", "Toronto", "ca"],
  ["IN", "Bangalore", "in"],
  ["JP", "Tokyo", "jp"],
  ["BR", "São Paulo", "com.br"],
  ["AU", "Sydney", "com.au"],
  ["SG", "Singapore", "sg"]
]
const PREFIXES = [
  "Nova",
  "Blue",
  "Iron",
  "Quantum",
  "Bright",
  "Atlas",
  "Silver",
  "Cobalt",
  "Vertex",
  "Lumen",
  "Polar",
  "Crimson",
  "Orbit",
  "Maple",
  "Summit",
  "Harbor",
  "Echo",
  "Pixel",
  "Terra",
  "Zenith"
]
const SUFFIXES = [
  "Labs",
  "Systems",
  "Analytics",
  "Works",
  "Health",
  "Logistics",
  "Energy",
  "Robotics",
  "Cloud",
  "Bio",
  "Media",
  "Partners",
  "Dynamics",
  "Foods",
  "Security",
  "Learning"
]
const LEGAL = ["Inc.", "GmbH", "Ltd", "SAS", "B.V.", "AB", "", "", "", "LLC"]
const FUNDING = [
  "bootstrapped",
  "pre-seed",
  "seed",
  "Series A",
  "Series B",
  "Series C",
  "Series D+",
  "public",
  "private equity"
]
const TAGS = ["ai", "saas", "enterprise", "smb", "partner", "inbound", "outbound", "event", "expansion"]
const PRODUCTS = ["analytics", "crm-sync", "enrichment", "api"]
const FIRST = [
  "Anna",
  "Ben",
  "Chloé",
  "David",
  "Elif",
  "Farid",
  "Greta",
  "Hiro",
  "Isabel",
  "Jonas",
  "Kofi",
  "Lena",
  "Mateo",
  "Nora",
  "Omar",
  "Priya",
  "Quentin",
  "Rosa",
  "Sven",
  "Tara",
  "Uma",
  "Viktor",
  "Wen",
  "Yusuf",
  "Zoe"
]
const LAST = [
  "Schmidt",
  "Garcia",
  "Nguyen",
  "Okafor",
  "Larsen",
  "Rossi",
  "Kowalski",
  "Tanaka",
  "Dubois",
  "Silva",
  "Müller",
  "Patel",
  "Johansson",
  "Cohen",
  "Murphy",
  "Novak"
]
const TITLES = [
  "CEO",
  "CTO",
  "VP of Engineering",
  "Head of Data",
  "Director of Marketing",
  "Sales Manager",
  "Senior Software Engineer",
  "Product Manager",
  "CFO",
  "Head of Operations",
  "Marketing Intern",
  "IT Administrator"
]

export interface DemoLead {
  readonly company: string
  readonly website: string
  readonly industry: string
  readonly employees: number
  readonly funding: string
  readonly country: string
  readonly city: string
  readonly tags: string
  readonly productInterests: string
  readonly aiAdoptionScore: number
}

export interface DemoContact {
  readonly firstName: string
  readonly lastName: string
  readonly email: string
  readonly title: string
  readonly phone: string
  readonly companyDomain: string
  /** What the email was generated to be; the validator decides what it really is. */
  readonly quality: "good" | "risky" | "bad"
}

export interface DemoActivity {
  readonly domain: string
  readonly kind: ActivityKind
  readonly daysAgo: number
  readonly summary: string
}

const pick = <A>(random: () => number, values: ReadonlyArray<A>): A => values[Math.floor(random() * values.length)] as A

const slug = (s: string) =>
  s
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "")

/** The demo data set: `leads` companies across industries and countries, 0–4 contacts each, some activities. */
export const demoData = (leads: number) => {
  const random = prng(20_261_123)
  const seen = new Set<string>()
  const out: Array<DemoLead & { readonly domain: string }> = []
  while (out.length < leads) {
    const name = `${pick(random, PREFIXES)} ${pick(random, SUFFIXES)}`
    const [country, city, tld] = pick(random, PLACES)
    const domain = `${slug(name)}.${tld}`
    if (seen.has(domain)) continue
    seen.add(domain)
    const legal = pick(random, LEGAL)
    out.push({
      company: legal === "" ? name : `${name} ${legal}`,
      domain,
      website: random() < 0.5 ? `https://www.${domain}` : domain,
      industry: pick(random, INDUSTRIES),
      employees: Math.round(5 + random() ** 3 * 20_000),
      funding: pick(random, FUNDING),
      country,
      city,
      tags: TAGS.filter(() => random() < 0.2).join(";"),
      productInterests: PRODUCTS.filter(() => random() < 0.25).join(";"),
      aiAdoptionScore: Math.round(random() * 100)
    })
  }
  const contacts: Array<DemoContact> = []
  const activities: Array<DemoActivity> = []
  for (const lead of out) {
    const n = Math.floor(random() * 5)
    for (let i = 0; i < n; i++) {
      const first = pick(random, FIRST)
      const last = pick(random, LAST)
      const r = random()
      const quality = r < 0.7 ? "good" : r < 0.88 ? "risky" : "bad"
      const local = `${slug(first)}.${slug(last)}`
      const email =
        quality === "good"
          ? `${local}@${lead.domain}`
          : quality === "risky"
            ? pick(random, [`info@${lead.domain}`, `sales@${lead.domain}`, `${local}@mailinator.com`])
            : pick(random, [`${local}@@${lead.domain}`, `${local}.${lead.domain}`, `${local}@localhost`])
      contacts.push({
        firstName: first,
        lastName: last,
        email,
        title: pick(random, TITLES),
        phone: random() < 0.5 ? `+1415555${String(1000 + Math.floor(random() * 8999))}` : "",
        companyDomain: lead.domain,
        quality
      })
    }
    const k = random() < 0.35 ? 1 + Math.floor(random() * 3) : 0
    for (let i = 0; i < k; i++) {
      const kind = pick(random, ["email_sent", "email_replied", "meeting", "call", "note"] as const)
      activities.push({
        domain: lead.domain,
        kind,
        daysAgo: Math.floor(random() * 60),
        summary: `${kind.replace("_", " ")} with ${lead.company}`
      })
    }
  }
  return { leads: out, contacts, activities }
}
