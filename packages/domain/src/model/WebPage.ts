import { Schema } from "effect"

/** A link on a page: absolute URL and its visible text. */
export const PageLink = Schema.Struct({ url: Schema.String, text: Schema.String })
export type PageLink = typeof PageLink.Type

/** A JSON-LD `Organization` (or a subtype such as `LocalBusiness`) found on a page. */
export const PageOrganization = Schema.Struct({
  type: Schema.String,
  name: Schema.NullOr(Schema.String),
  url: Schema.NullOr(Schema.String),
  description: Schema.NullOr(Schema.String),
  /** The postal address as one line. */
  address: Schema.NullOr(Schema.String),
  addressCountry: Schema.NullOr(Schema.String),
  addressLocality: Schema.NullOr(Schema.String),
  numberOfEmployees: Schema.NullOr(Schema.Number),
  foundingDate: Schema.NullOr(Schema.String),
  telephone: Schema.NullOr(Schema.String),
  email: Schema.NullOr(Schema.String),
  sameAs: Schema.Array(Schema.String)
})
export type PageOrganization = typeof PageOrganization.Type

/** A name with a job title next to it, as team pages list people. */
export const PagePerson = Schema.Struct({ name: Schema.String, title: Schema.String })
export type PagePerson = typeof PagePerson.Type

/** What is read out of one page. Nothing on the page is executed; scripts and styles are dropped. */
export const ExtractedPage = Schema.Struct({
  title: Schema.NullOr(Schema.String),
  description: Schema.NullOr(Schema.String),
  /** The readable text, whitespace collapsed. */
  text: Schema.String,
  language: Schema.NullOr(Schema.String),
  links: Schema.Array(PageLink),
  organizations: Schema.Array(PageOrganization),
  /** OpenGraph properties without the `og:` prefix (title, description, site_name, image, …). */
  openGraph: Schema.Record({ key: Schema.String, value: Schema.String }),
  /** Addresses from mailto: links and the text, lower case, as found (the domain's rules judge them). */
  emails: Schema.Array(Schema.String),
  /** Numbers from tel: links, as found. */
  phones: Schema.Array(Schema.String),
  people: Schema.Array(PagePerson)
})
export type ExtractedPage = typeof ExtractedPage.Type
