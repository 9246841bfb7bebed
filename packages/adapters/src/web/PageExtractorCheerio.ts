import { type ExtractedPage, PageExtractor, type PageInput, type PagePerson } from "@leadforge/domain"
import { type CheerioAPI, load } from "cheerio/slim"
import { Effect, Layer } from "effect"
import { readJsonLd } from "./jsonLd.js"

const MAX_TEXT_CHARS = 200_000
const MAX_LINKS = 500
const MAX_EMAILS = 50
const MAX_PHONES = 20
const MAX_PEOPLE = 100

const EMAIL = /[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,24}/gi
const BLOCKS =
  "p,div,li,ul,ol,dt,dd,h1,h2,h3,h4,h5,h6,br,section,article,header,footer,nav,aside,main,tr,td,th,blockquote,figcaption,address"

const collapse = (value: string) => value.replace(/\s+/g, " ").trim()

/** Text with one line per block, blank lines dropped. */
const readableText = (raw: string) =>
  raw
    .split("\n")
    .map(collapse)
    .filter((line) => line !== "")
    .join("\n")
    .slice(0, MAX_TEXT_CHARS)

/** Two to four capitalised words of letters (with hyphens, apostrophes, initials): how a person's name looks. */
const looksLikeName = (value: string) =>
  value.length <= 60 &&
  /^\p{Lu}[\p{L}'’-]*\.?(?:\s+\p{Lu}[\p{L}'’-]*\.?){1,3}$/u.test(value) &&
  !/\b(?:Our|The|Team|About|Contact|Us|Meet|Careers|Leadership|Company|Inc|Ltd|GmbH)\b/.test(value)

const ROLE_WORDS =
  /\b(?:CEO|CTO|CFO|COO|CMO|CPO|CRO|CIO|CISO|VP|SVP|EVP|Founder|Co-?founder|Chief|President|Director|Head|Manager|Lead|Engineer|Officer|Partner|Principal|Designer|Developer|Architect|Scientist|Analyst|Owner|Chair(?:man|woman|person)?|Executive|Counsel|Advisor|Consultant|Specialist|Coordinator|Recruiter|Marketing|Sales|Product|Operations|Finance|Engineering)\b/i

const looksLikeTitle = (value: string) => value.length >= 2 && value.length <= 100 && ROLE_WORDS.test(value)

/**
 * Name-and-title pairs as team pages lay them out: a heading or bold name followed by a short line with a job
 * title (`<h3>Ada Lovelace</h3><p>CTO</p>`), or a card whose first two lines are a name and a title.
 */
const teamPairs = ($: CheerioAPI): Array<PagePerson> => {
  const people: Array<PagePerson> = []
  $("h2,h3,h4,h5,h6,strong,b,dt,figcaption > :first-child,[class*=name]").each((_, element) => {
    const name = collapse($(element).text())
    if (!looksLikeName(name)) return
    const next = $(element).next()
    const title = collapse(next.text())
    if (next.length > 0 && looksLikeTitle(title)) people.push({ name, title })
  })
  return people
}

const dedupePeople = (people: ReadonlyArray<PagePerson>) => {
  const seen = new Set<string>()
  return people.filter((person) => {
    const key = person.name.toLowerCase()
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

const absolute = (href: string, base: string): string | null => {
  try {
    const url = new URL(href, base)
    if (url.protocol !== "http:" && url.protocol !== "https:") return null
    url.hash = ""
    return url.href
  } catch {
    return null
  }
}

const extractHtml = (page: PageInput): ExtractedPage => {
  const $ = load(page.body)
  const jsonLd = readJsonLd(
    $('script[type="application/ld+json"]')
      .map((_, el) => $(el).text())
      .get()
  )
  const openGraph: Record<string, string> = {}
  $('meta[property^="og:"]').each((_, el) => {
    const key = ($(el).attr("property") ?? "").slice(3)
    const value = collapse($(el).attr("content") ?? "")
    if (key !== "" && value !== "" && !(key in openGraph)) openGraph[key] = value.slice(0, 2_000)
  })
  const emails = new Set<string>()
  const phones = new Set<string>()
  const links = new Map<string, string>()
  $("a[href]").each((_, el) => {
    const href = ($(el).attr("href") ?? "").trim()
    if (/^mailto:/i.test(href)) {
      const address = decodeURIComponent(href.slice(7).split("?")[0] ?? "")
        .trim()
        .toLowerCase()
      if (address !== "") emails.add(address)
      return
    }
    if (/^tel:/i.test(href)) {
      const number = decodeURIComponent(href.slice(4)).trim()
      if (number !== "") phones.add(number)
      return
    }
    const url = absolute(href, page.url)
    if (url !== null && !links.has(url) && links.size < MAX_LINKS) links.set(url, collapse($(el).text()).slice(0, 200))
  })
  const title = collapse($("title").first().text()) || openGraph.title || null
  const description = collapse($('meta[name="description" i]').attr("content") ?? "") || openGraph.description || null
  const language = $("html").attr("lang")?.trim() || null
  const people = dedupePeople([...jsonLd.people, ...teamPairs($)]).slice(0, MAX_PEOPLE)

  // nothing on the page runs: scripts, styles and embedded documents are removed before the text is read
  $("script,style,noscript,template,iframe,object,embed,svg,canvas").remove()
  $(BLOCKS).each((_, el) => {
    $(el).prepend("\n").append("\n")
  })
  const text = readableText($("body").length > 0 ? $("body").text() : $.root().text())
  for (const match of text.matchAll(EMAIL)) {
    if (emails.size >= MAX_EMAILS) break
    emails.add(match[0].toLowerCase())
  }
  return {
    title: title?.slice(0, 500) ?? null,
    description: description?.slice(0, 2_000) ?? null,
    text,
    language,
    links: [...links].map(([url, text]) => ({ url, text })),
    organizations: jsonLd.organizations,
    openGraph,
    emails: [...emails].slice(0, MAX_EMAILS),
    phones: [...phones].slice(0, MAX_PHONES),
    people
  }
}

const extractPlain = (page: PageInput): ExtractedPage => {
  const text = readableText(page.body)
  return {
    title: null,
    description: null,
    text,
    language: null,
    links: [],
    organizations: [],
    openGraph: {},
    emails: [...new Set([...text.matchAll(EMAIL)].map((m) => m[0].toLowerCase()))].slice(0, MAX_EMAILS),
    phones: [],
    people: []
  }
}

export const extract = (page: PageInput): ExtractedPage =>
  page.contentType === "text/plain" ? extractPlain(page) : extractHtml(page)

export const sitemap = (body: string) => {
  const $ = load(body, { xml: true })
  const locs = (selector: string) =>
    $(selector)
      .map((_, el) => collapse($(el).text()))
      .get()
      .filter((loc) => loc !== "")
      .slice(0, 5_000)
  return { pages: locs("urlset > url > loc"), sitemaps: locs("sitemapindex > sitemap > loc") }
}

export const PageExtractorCheerio: Layer.Layer<PageExtractor> = Layer.succeed(
  PageExtractor,
  PageExtractor.of({
    extract: (page) => Effect.sync(() => extract(page)).pipe(Effect.withSpan("PageExtractorCheerio.extract")),
    sitemap: (body) => Effect.sync(() => sitemap(body))
  })
)
