import { existsSync, readdirSync, readFileSync, statSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"
import { describe, expect, it } from "vitest"

/**
 * The manuals stay true to the tree: every relative link in them resolves (to a file, and to a heading when it
 * names one), and every environment variable the code reads is in docs/configuration.md, so a new setting cannot
 * ship undocumented and a removed one cannot stay documented.
 */
const root = resolve(new URL("..", import.meta.url).pathname)

const filesUnder = (dir: string, keep: (name: string) => boolean): Array<string> =>
  existsSync(dir)
    ? readdirSync(dir).flatMap((name) => {
        const path = join(dir, name)
        if (statSync(path).isDirectory())
          return name === "node_modules" || name === "dist" ? [] : filesUnder(path, keep)
        return keep(name) ? [path] : []
      })
    : []

const packages = readdirSync(join(root, "packages")).map((name) => join(root, "packages", name))

const manuals = [
  join(root, "README.md"),
  join(root, "BENCHMARKS.md"),
  ...filesUnder(join(root, "docs"), (name) => name.endsWith(".md")),
  ...packages.map((dir) => join(dir, "README.md")).filter(existsSync)
]

/** Markdown without fenced code blocks and inline code spans, where brackets are not links. */
const prose = (markdown: string) =>
  markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[ \t]*$/gm, "").replace(/`[^`\n]*`/g, "")

const linkTargets = (markdown: string): Array<string> =>
  [...prose(markdown).matchAll(/\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1] as string)

const isExternal = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target)

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
const anchorsOf = (markdown: string): Set<string> => {
  const seen = new Map<string, number>()
  const anchors = new Set<string>()
  const withoutFences = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[ \t]*$/gm, "")
  for (const [, heading] of withoutFences.matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const slug = (heading as string)
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-")
    const count = seen.get(slug) ?? 0
    seen.set(slug, count + 1)
    anchors.add(count === 0 ? slug : `${slug}-${count}`)
  }
  return anchors
}

/** Every broken relative link in one manual, as "target (why)". */
const brokenLinks = (file: string): Array<string> => {
  const markdown = readFileSync(file, "utf8")
  return linkTargets(markdown)
    .filter((target) => !isExternal(target))
    .flatMap((target) => {
      const [pathPart, anchor] = target.split("#", 2) as [string, string | undefined]
      const path = pathPart === "" ? file : resolve(dirname(file), decodeURIComponent(pathPart))
      if (!existsSync(path)) return [`${target} (no such file)`]
      if (anchor === undefined || anchor === "" || !path.endsWith(".md")) return []
      return anchorsOf(readFileSync(path, "utf8")).has(anchor) ? [] : [`${target} (no such heading)`]
    })
}

/**
 * Environment variable names read in TypeScript source: `Config.<kind>("NAME")`, `process.env.NAME`, and the
 * composition root's empty-as-unset readers `optionalText("NAME")` / `optionalSecret("NAME")`.
 */
const variablesRead = (source: string): Array<string> => [
  ...[...source.matchAll(/\boptional(?:Text|Secret)\(\s*["']([A-Z][A-Z0-9_]*)["']/g)].map((m) => m[1] as string),
  ...[...source.matchAll(/Config\.\w+\(\s*(?:Config\.\w+\(\s*\)\s*,\s*)?["']([A-Z][A-Z0-9_]*)["']/g)].map(
    (m) => m[1] as string
  ),
  ...[...source.matchAll(/process\.env(?:\.([A-Z][A-Z0-9_]*)|\[\s*["']([A-Z][A-Z0-9_]*)["']\s*\])/g)].map(
    (m) => (m[1] ?? m[2]) as string
  )
]

const sources = packages.flatMap((dir) =>
  filesUnder(join(dir, "src"), (name) => /\.tsx?$/.test(name) && !name.endsWith(".d.ts"))
)
const readInCode = new Map<string, Array<string>>()
for (const file of sources) {
  for (const name of variablesRead(readFileSync(file, "utf8"))) {
    readInCode.set(name, [...(readInCode.get(name) ?? []), relative(root, file)])
  }
}

const configurationPage = readFileSync(join(root, "docs/configuration.md"), "utf8")
/** The first cell of every row of the page's table. */
const documented = new Set(
  [...configurationPage.matchAll(/^\|\s*`([A-Z][A-Z0-9_]*)`[^|]*\|/gm)].map((m) => m[1] as string)
)

describe("docs: links", () => {
  it("finds links, anchors and external links (the checker itself works)", () => {
    const sample = "See [a](a.md), [`b`](../b.md#x-y), <https://e.org>, [c](https://c.org).\n```\n[no](z.md)\n```\n"
    expect(linkTargets(sample)).toEqual(["a.md", "../b.md#x-y", "https://c.org"])
    expect(isExternal("https://c.org")).toBe(true)
    expect(isExternal("docs/cli.md")).toBe(false)
    expect([...anchorsOf("# Set up\n## The `leadforge` command\n## Set up\n")]).toEqual([
      "set-up",
      "the-leadforge-command",
      "set-up-1"
    ])
  })

  it("checks the README and every page in docs/", () => {
    expect(manuals.map((file) => relative(root, file))).toEqual(
      expect.arrayContaining(["README.md", "BENCHMARKS.md", "docs/configuration.md", "docs/domain-rules.md"])
    )
  })

  it.each(manuals.map((file) => [relative(root, file), file]))("every relative link in %s resolves", (_, file) => {
    expect(brokenLinks(file)).toEqual([])
  })
})

describe("docs: configuration", () => {
  it("finds every form of reading a variable (the checker itself works)", () => {
    const sample = [
      'Config.redacted("DATABASE_URL")',
      'Config.withDefault(Config.integer("PORT"), 3000)',
      'Config.array(Config.string(), "CORS_ORIGINS")',
      'Config.string(\n  "LEADFORGE_DATA_DIR"\n)',
      "process.env.LOG_LEVEL",
      'process.env["HOME_DIR"]',
      'Config.string("lowercase")',
      'optionalText("QDRANT_URL")',
      'optionalSecret("GROQ_API_KEY")'
    ].join("\n")
    expect(variablesRead(sample)).toEqual([
      "QDRANT_URL",
      "GROQ_API_KEY",
      "DATABASE_URL",
      "PORT",
      "CORS_ORIGINS",
      "LEADFORGE_DATA_DIR",
      "LOG_LEVEL",
      "HOME_DIR"
    ])
  })

  it("finds the variables the packages read", () => {
    expect(readInCode.has("DATABASE_URL")).toBe(true)
    expect(readInCode.size).toBeGreaterThan(10)
  })

  it("documents every variable the packages read", () => {
    const missing = [...readInCode]
      .filter(([name]) => !documented.has(name))
      .map(([name, files]) => `${name} (${files})`)
    expect(missing).toEqual([])
  })

  it("documents no variable the packages do not mention", () => {
    const everything = sources.map((file) => readFileSync(file, "utf8")).join("\n")
    const stale = [...documented].filter((name) => !new RegExp(`\\b${name}\\b`).test(everything))
    expect(stale).toEqual([])
  })
})
