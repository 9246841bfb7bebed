import { parsePhoneNumberFromString } from "libphonenumber-js/min"
import type { ExtractedPage, PageLink } from "../model/WebPage.js"
import { normalizeDomain } from "./domain.js"
import { checkEmail } from "./email.js"
import type { ContactProposal } from "./proposals.js"
import { parseUrl } from "./url.js"

/** Pages worth reading after the home page, by a word in their path or link text, most useful first. */
export const PAGE_KEYWORDS = [
  "about",
  "company",
  "team",
  "leadership",
  "people",
  "management",
  "contact",
  "careers",
  "jobs",
  "press",
  "news",
  "pricing"
] as const

/** Team-like pages: their name-and-title pairs become contact proposals. */
const TEAM_WORDS = /\b(?:team|leadership|people|management|about|company|founders|staff|board)\b/

const SKIPPED_EXTENSIONS = /\.(?:pdf|jpe?g|png|gif|svg|webp|ico|zip|gz|mp4|mp3|mov|css|js|json|xml|woff2?)$/i

/**
 * The home page to start from: the lead's website, else `https://{domain}/`; null when the lead has neither or
 * the value is not an http(s) URL.
 */
export const homePageOf = (lead: { readonly website: string | null; readonly domain: string | null }) => {
  const raw = lead.website ?? (lead.domain === null ? null : `https://${lead.domain}/`)
  if (raw === null) return null
  const url = parseUrl(/^[a-z][a-z0-9+.-]*:/i.test(raw) ? raw : `https://${raw}`)
  if (url === null || (url.protocol !== "http:" && url.protocol !== "https:")) return null
  url.hash = ""
  return url.href
}

/** A URL for comparing pages: no fragment, no query, no trailing slash. */
export const pageKey = (url: string) => {
  const parsed = parseUrl(url)
  return parsed === null
    ? url
    : `${parsed.protocol}//${parsed.host.replace(/^www\./, "")}${parsed.pathname.replace(/\/+$/, "") || "/"}`
}

/** Same site: the same registrable domain (www.acme.com and acme.com are one site, blog.acme.com too). */
export const isSameSite = (url: string, home: string) => {
  const a = normalizeDomain(parseUrl(url)?.hostname)
  return a !== null && a === normalizeDomain(parseUrl(home)?.hostname)
}

const rank = (path: string, text: string): number => {
  const haystack = `${path.toLowerCase()} ${text.toLowerCase()}`
  const index = PAGE_KEYWORDS.findIndex((word) => haystack.includes(word))
  return index < 0 ? Number.POSITIVE_INFINITY : index
}

/**
 * Up to `max` same-site pages to read after the home page, chosen from the home page's links and the sitemap by
 * a keyword (about, team, contact, …) in their path or link text; the shallower page wins a tie.
 */
export const choosePages = (
  home: string,
  links: ReadonlyArray<PageLink>,
  sitemapPages: ReadonlyArray<string>,
  max: number
): Array<string> => {
  const seen = new Set([pageKey(home)])
  const candidates: Array<{ url: string; score: number; depth: number }> = []
  for (const { url, text } of [...links, ...sitemapPages.map((url) => ({ url, text: "" }))]) {
    const key = pageKey(url)
    if (seen.has(key) || !isSameSite(url, home)) continue
    const path = parseUrl(url)?.pathname
    if (path === undefined) continue
    if (SKIPPED_EXTENSIONS.test(path)) continue
    const score = rank(path, text)
    if (!Number.isFinite(score)) continue
    seen.add(key)
    candidates.push({ url, score, depth: path.split("/").filter((p) => p !== "").length })
  }
  return candidates
    .sort((a, b) => a.score - b.score || a.depth - b.depth)
    .slice(0, Math.max(0, max))
    .map((c) => c.url)
}

export const isTeamPage = (url: string, title: string | null) => {
  const path = parseUrl(url)?.pathname ?? ""
  return TEAM_WORDS.test(`${path} ${title ?? ""}`.toLowerCase().replace(/[-_/]/g, " "))
}

export interface PageContacts {
  /** Addresses on the lead's own registrable domain that the email rules accept. */
  readonly emails: ReadonlyArray<string>
  /** Addresses left out, with the reason. */
  readonly ignoredEmails: ReadonlyArray<{ readonly email: string; readonly reason: string }>
  /** Valid numbers in E.164. */
  readonly phones: ReadonlyArray<string>
}

/** The page's emails and phone numbers that the contact rules accept for the lead's domain. */
export const pageContacts = (page: ExtractedPage, companyDomain: string | null): PageContacts => {
  const company = normalizeDomain(companyDomain)
  const emails: Array<string> = []
  const ignoredEmails: Array<{ email: string; reason: string }> = []
  for (const email of page.emails) {
    const { validation, registrable } = checkEmail(email)
    const normalized = validation.normalized
    if (validation.status === "invalid" || normalized === null) ignoredEmails.push({ email, reason: "invalid" })
    else if (company === null || registrable !== company) ignoredEmails.push({ email, reason: "another domain" })
    else if (!emails.includes(normalized)) emails.push(normalized)
  }
  const phones = new Set<string>()
  for (const raw of [
    ...page.phones,
    ...page.organizations.flatMap((o) => (o.telephone === null ? [] : [o.telephone]))
  ]) {
    const parsed = parsePhoneNumberFromString(raw)
    if (parsed?.isValid() === true) phones.add(parsed.number)
  }
  return { emails, ignoredEmails, phones: [...phones] }
}

/** A contact proposal from a page, with the page it was found on. */
export interface PageProposal extends ContactProposal {
  readonly reason: string
}

/** The page's name-and-title pairs as contact proposals (team pages only). */
export const pageProposals = (url: string, page: ExtractedPage): Array<PageProposal> =>
  isTeamPage(url, page.title)
    ? page.people.map((person) => ({ fullName: person.name, jobTitle: person.title, reason: `listed on ${url}` }))
    : []
