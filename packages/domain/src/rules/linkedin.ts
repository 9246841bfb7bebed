/** `de.linkedin.com`, `www.linkedin.com`, `m.linkedin.com`, `linkedin.com`: any (one-label) subdomain. */
const LINKEDIN_HOST = /^(?:[a-z]{1,3}\.|www\.)?linkedin\.com$/
const SCHEME = /^https?:\/\//i
/** Profile slugs: letters (incl. accented ones), digits, `-`, `_`, `%`-escapes; 3–100 characters. */
const SLUG = /^[\p{L}\p{N}_%-]{3,100}$/u

/** The canonical form of a LinkedIn profile URL (`https://www.linkedin.com/in/<slug>`), or null. */
export const normalizeLinkedInUrl = (input: string | null | undefined): string | null => {
  if (input === null || input === undefined) return null
  let s = input.trim().replace(SCHEME, "")
  const end = s.search(/[?#]/)
  if (end >= 0) s = s.slice(0, end)
  const slash = s.indexOf("/")
  if (slash < 0) return null
  const host = s.slice(0, slash).toLowerCase().replace(/:\d+$/, "")
  if (!LINKEDIN_HOST.test(host)) return null
  const segments = s.slice(slash + 1).split("/")
  // `/in/<slug>` and the legacy `/pub/<slug>/…` carry a person; `/mwlite/in/<slug>` is the mobile site.
  const start = segments[0] === "mwlite" ? 1 : 0
  const kind = segments[start]?.toLowerCase()
  if (kind !== "in" && kind !== "pub") return null
  const slug = (segments[start + 1] ?? "").toLowerCase()
  if (!SLUG.test(slug)) return null
  return `https://www.linkedin.com/in/${slug}`
}
