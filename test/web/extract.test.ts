import { PageExtractorCheerio } from "@leadforge/adapters/web"
import {
  choosePages,
  type ExtractedPage,
  homePageOf,
  PageExtractor,
  pageContacts,
  pageProposals
} from "@leadforge/domain"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { acmeHome, acmeSitemap, acmeTeam } from "./pages.js"

const extract = (url: string, body: string, contentType = "text/html") =>
  Effect.runSync(
    Effect.flatMap(PageExtractor, (x) => x.extract({ url, contentType, body })).pipe(
      Effect.provide(PageExtractorCheerio)
    )
  )

describe("PageExtractorCheerio", () => {
  const home = extract("https://acme.example/", acmeHome)

  it("reads title, meta description, language and OpenGraph", () => {
    expect(home.title).toBe("Acme Robotics – warehouse robots")
    expect(home.description).toBe("Acme Robotics builds autonomous warehouse robots.")
    expect(home.language).toBe("en")
    expect(home.openGraph).toEqual({
      site_name: "Acme Robotics",
      title: "Acme Robotics",
      image: "https://acme.example/og.png"
    })
  })

  it("reads JSON-LD Organization with address, employees, founding date and sameAs; skips broken blocks", () => {
    expect(home.organizations).toEqual([
      {
        type: "Organization",
        name: "Acme Robotics GmbH",
        url: "https://acme.example",
        description: null,
        address: "Hauptstr. 1, 10115, Berlin, DE",
        addressCountry: "DE",
        addressLocality: "Berlin",
        numberOfEmployees: 120,
        foundingDate: "2015",
        telephone: "+49 30 1234567",
        email: null,
        sameAs: ["https://www.linkedin.com/company/acme-robotics", "https://twitter.com/acmerobotics"]
      }
    ])
  })

  it("reads LocalBusiness subtypes too", () => {
    const page = extract(
      "https://bakery.example/",
      `<script type="application/ld+json">{"@type":"Bakery","name":"Crumbs"}</script><script type="application/ld+json">{"@type":"LocalBusiness","name":"Crumbs Ltd","numberOfEmployees":"12"}</script>`
    )
    expect(page.organizations.map((o) => [o.type, o.name, o.numberOfEmployees])).toEqual([
      ["LocalBusiness", "Crumbs Ltd", 12]
    ])
  })

  it("keeps readable text without scripts or styles: nothing on the page runs or leaks in", () => {
    expect(home.text).toContain("Robots for every warehouse")
    expect(home.text).toContain("Acme Robotics makes autonomous mobile robots for logistics.")
    expect(home.text).not.toContain("injected")
    expect(home.text).not.toContain("document.write")
    expect(home.text).not.toContain("color: red")
    expect(home.text).toContain("About us Our team Contact")
  })

  it("lists absolute http(s) links with their text, and mailto/tel apart", () => {
    expect(home.links).toContainEqual({ url: "https://acme.example/team", text: "Our team" })
    expect(home.links.some((l) => l.url.startsWith("javascript:") || l.url.startsWith("mailto:"))).toBe(false)
    expect(home.emails).toEqual(["hello@acme.example", "sales@acme.example", "press@other.example"])
    expect(home.phones).toEqual(["+4930123456"])
  })

  it("finds name-and-title pairs on a team page, not headings that only look like them", () => {
    const team = extract("https://acme.example/team", acmeTeam)
    expect(team.people).toEqual([
      { name: "Ada Lovelace", title: "Chief Technology Officer" },
      { name: "Grace Hopper", title: "VP Engineering" },
      { name: "Alan Turing", title: "Head of Research" }
    ])
  })

  it("reads plain text as text", () => {
    const page = extract("https://acme.example/humans.txt", "Team: ada@acme.example\n\nBerlin", "text/plain")
    expect([page.text, page.emails, page.title]).toEqual(["Team: ada@acme.example\nBerlin", ["ada@acme.example"], null])
  })

  it("reads a sitemap's page URLs", () => {
    const sitemap = Effect.runSync(
      Effect.flatMap(PageExtractor, (x) => x.sitemap(acmeSitemap)).pipe(Effect.provide(PageExtractorCheerio))
    )
    expect(sitemap.pages).toEqual([
      "https://acme.example/",
      "https://acme.example/careers",
      "https://acme.example/legal/imprint"
    ])
  })
})

describe("website rules", () => {
  const home: ExtractedPage = extract("https://acme.example/", acmeHome)

  it("starts from the website, else the domain", () => {
    expect(homePageOf({ website: "acme.example/start", domain: null })).toBe("https://acme.example/start")
    expect(homePageOf({ website: null, domain: "acme.example" })).toBe("https://acme.example/")
    expect(homePageOf({ website: "ftp://acme.example", domain: null })).toBeNull()
    expect(homePageOf({ website: null, domain: null })).toBeNull()
  })

  it("chooses same-site pages by keyword, most useful first, within the limit", () => {
    const pages = choosePages("https://acme.example/", home.links, ["https://acme.example/careers"], 10)
    expect(pages).toEqual([
      "https://acme.example/about",
      "https://acme.example/team",
      "https://acme.example/contact",
      "https://acme.example/careers"
    ])
    expect(choosePages("https://acme.example/", home.links, [], 2)).toEqual([
      "https://acme.example/about",
      "https://acme.example/team"
    ])
  })

  it("keeps the emails of the lead's own domain and valid phone numbers", () => {
    const contacts = pageContacts(home, "acme.example")
    expect(contacts.emails).toEqual(["hello@acme.example", "sales@acme.example"])
    expect(contacts.ignoredEmails).toEqual([{ email: "press@other.example", reason: "another domain" }])
    expect(contacts.phones).toEqual(["+4930123456", "+49301234567"])
  })

  it("proposes team-page people only, citing the page", () => {
    const team = extract("https://acme.example/team", acmeTeam)
    expect(pageProposals("https://acme.example/team", team)[0]).toEqual({
      fullName: "Ada Lovelace",
      jobTitle: "Chief Technology Officer",
      reason: "listed on https://acme.example/team"
    })
    expect(pageProposals("https://acme.example/pricing", { ...team, title: "Pricing" })).toEqual([])
  })
})
