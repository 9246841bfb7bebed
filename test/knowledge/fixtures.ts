import * as fs from "node:fs"
import * as path from "node:path"
import type { ContentType } from "@leadforge/domain"

const root = new URL("../fixtures/knowledge/", import.meta.url)

export interface FixtureDoc {
  readonly slug: string
  readonly title: string
  readonly text: string
  readonly contentType: ContentType
}

export interface FixtureQuery {
  readonly query: string
  readonly expected: ReadonlyArray<string>
}

const typeOf = (file: string): ContentType =>
  file.endsWith(".md") ? "markdown" : file.endsWith(".html") ? "html" : "text"

/** The labelled retrieval set: small documents and queries with the documents they should find. */
export const fixtureDocs = (): ReadonlyArray<FixtureDoc> => {
  const dir = new URL("docs/", root)
  return fs
    .readdirSync(dir)
    .sort()
    .map((file) => {
      const text = fs.readFileSync(new URL(file, dir), "utf8")
      const slug = path.basename(file, path.extname(file))
      return { slug, title: slug.replace(/-/g, " "), text, contentType: typeOf(file) }
    })
}

export const fixtureQueries = (): ReadonlyArray<FixtureQuery> =>
  JSON.parse(fs.readFileSync(new URL("queries.json", root), "utf8")) as ReadonlyArray<FixtureQuery>

/** Mean over queries of |expected ∩ top-k distinct documents| / |expected|. */
export const recallAtK = (
  results: ReadonlyArray<{ readonly expected: ReadonlyArray<string>; readonly ranked: ReadonlyArray<string> }>,
  k: number
): number =>
  results.reduce((sum, r) => {
    const top = [...new Set(r.ranked)].slice(0, k)
    return sum + r.expected.filter((e) => top.includes(e)).length / r.expected.length
  }, 0) / results.length
