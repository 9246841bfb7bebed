import type { PageOrganization, PagePerson } from "@leadforge/domain"

type Json = unknown

const text = (value: Json): string | null => {
  if (typeof value === "string") return value.trim() === "" ? null : value.trim().slice(0, 2_000)
  if (typeof value === "number") return String(value)
  if (Array.isArray(value)) return text(value[0])
  if (value !== null && typeof value === "object" && "name" in value) return text((value as { name: Json }).name)
  return null
}

const types = (node: Record<string, Json>): Array<string> => {
  const type = node["@type"]
  return (Array.isArray(type) ? type : [type]).filter((t): t is string => typeof t === "string")
}

/** Organization, Corporation, LocalBusiness and their schema.org subtypes (…Organization, …Business, Store, …). */
const isOrganizationType = (type: string) =>
  /(Organization|Organisation|Corporation|Business|Store|NGO|ProfessionalService|Restaurant|Hotel)$/.test(type)

const employees = (value: Json): number | null => {
  if (typeof value === "number" && Number.isFinite(value)) return value
  if (typeof value === "string" && /^\d+$/.test(value.trim())) return Number(value)
  if (Array.isArray(value)) return employees(value[0])
  if (value !== null && typeof value === "object") {
    const q = value as Record<string, Json>
    return employees(q.value) ?? employees(q.minValue) ?? employees(q.maxValue)
  }
  return null
}

const address = (value: Json) => {
  if (typeof value === "string") return { line: text(value), country: null, locality: null }
  const node = (Array.isArray(value) ? value[0] : value) as Record<string, Json> | undefined
  if (node === null || typeof node !== "object") return { line: null, country: null, locality: null }
  const parts = ["streetAddress", "postalCode", "addressLocality", "addressRegion", "addressCountry"]
    .map((key) => text(node[key]))
    .filter((part): part is string => part !== null)
  return {
    line: parts.length === 0 ? null : parts.join(", "),
    country: text(node.addressCountry),
    locality: text(node.addressLocality)
  }
}

const strings = (value: Json): Array<string> =>
  (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === "string").slice(0, 50)

/** Every object in a JSON-LD document: arrays, `@graph`, and nested values, depth-limited. */
const nodes = (value: Json, depth = 0): Array<Record<string, Json>> => {
  if (depth > 6 || value === null || typeof value !== "object") return []
  if (Array.isArray(value)) return value.flatMap((v) => nodes(v, depth + 1))
  const node = value as Record<string, Json>
  return [node, ...Object.values(node).flatMap((v) => nodes(v, depth + 1))]
}

/** The organizations and people a page's JSON-LD blocks describe; a block that is not JSON is skipped. */
export const readJsonLd = (
  blocks: ReadonlyArray<string>
): { organizations: Array<PageOrganization>; people: Array<PagePerson> } => {
  const organizations: Array<PageOrganization> = []
  const people: Array<PagePerson> = []
  for (const block of blocks) {
    let parsed: Json
    try {
      parsed = JSON.parse(block)
    } catch {
      continue
    }
    for (const node of nodes(parsed)) {
      const nodeTypes = types(node)
      const orgType = nodeTypes.find(isOrganizationType)
      if (orgType !== undefined) {
        const where = address(node.address)
        organizations.push({
          type: orgType,
          name: text(node.name) ?? text(node.legalName),
          url: text(node.url),
          description: text(node.description),
          address: where.line,
          addressCountry: where.country,
          addressLocality: where.locality,
          numberOfEmployees: employees(node.numberOfEmployees),
          foundingDate: text(node.foundingDate),
          telephone: text(node.telephone),
          email: text(node.email),
          sameAs: strings(node.sameAs)
        })
      } else if (nodeTypes.includes("Person")) {
        const name = text(node.name)
        const title = text(node.jobTitle)
        if (name !== null && title !== null) people.push({ name, title })
      }
    }
  }
  return { organizations: organizations.slice(0, 20), people }
}
