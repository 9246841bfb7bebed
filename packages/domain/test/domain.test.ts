import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "@effect/vitest"
import { FastCheck } from "effect"
import { normalizeDomain } from "../src/rules/domain.js"
import { punycodeEncode, toAsciiHost } from "../src/rules/punycode.js"

const corpus = fileURLToPath(new URL("../../../test/corpora/psl-tests.txt", import.meta.url))

/** `checkPublicSuffix('input', 'expected');` lines that are not commented out. */
const pslCases = (): Array<readonly [string | null, string | null]> => {
  const cases: Array<readonly [string | null, string | null]> = []
  const arg = "(null|'[^']*')"
  const line = new RegExp(String.raw`^checkPublicSuffix\(${arg},\s*${arg}\);`)
  for (const raw of readFileSync(corpus, "utf8").split("\n")) {
    const match = line.exec(raw.trim())
    if (match === null) continue
    const unquote = (s: string | undefined) => (s === undefined || s === "null" ? null : s.slice(1, -1))
    cases.push([unquote(match[1]), unquote(match[2])])
  }
  return cases
}

describe("punycode", () => {
  it("encodes RFC 3492 / IDNA vectors", () => {
    expect(punycodeEncode("münchen")).toBe("mnchen-3ya")
    expect(punycodeEncode("bücher")).toBe("bcher-kva")
    expect(punycodeEncode("食狮")).toBe("85x722f")
    expect(punycodeEncode("中国")).toBe("fiqs8s")
    expect(punycodeEncode("δοκιμή")).toBe("jxalpdlp")
    // RFC 3492 7.1 (B) Chinese (simplified)
    expect(punycodeEncode("他们为什么不说中文")).toBe("ihqwcrb4cv8a8dqg056pqjye")
    expect(toAsciiHost("www.食狮.公司.cn")).toBe("www.xn--85x722f.xn--55qx5d.cn")
  })
})

describe("normalizeDomain", () => {
  const cases = pslCases()

  it("parses the PSL test file", () => {
    expect(cases.length).toBeGreaterThan(60)
  })

  it("holds every checkPublicSuffix case of the PSL test file (punycode forms)", () => {
    const failures = cases.filter(([input, expected]) => {
      const want = expected === null ? null : toAsciiHost(expected.toLowerCase())
      return normalizeDomain(input) !== want
    })
    expect(failures).toEqual([])
  })

  it("handles URLs, ports, paths, www, case, emails and IDNs", () => {
    expect(normalizeDomain("https://www.Blog.Acme.co.uk/x")).toBe("acme.co.uk")
    expect(normalizeDomain("acme.com:8080/pricing?x=1#top")).toBe("acme.com")
    expect(normalizeDomain("WWW.ACME.COM.")).toBe("acme.com")
    expect(normalizeDomain("jane@Sales.Acme.io")).toBe("acme.io")
    expect(normalizeDomain("http://user:pw@x.acme.com:80/")).toBe("acme.com")
    expect(normalizeDomain("//cdn.acme.de/a.js")).toBe("acme.de")
    expect(normalizeDomain("https://Bücher.de")).toBe("xn--bcher-kva.de")
    expect(normalizeDomain("foo.github.io")).toBe("foo.github.io")
  })

  it("returns null for localhost, bare names, IPs, public suffixes and junk", () => {
    for (const input of [
      "localhost",
      "acme",
      "1.2.3.4",
      "http://[::1]:80/",
      "co.uk",
      "com",
      "",
      "  ",
      "a..b.com",
      "-x.com"
    ]) {
      expect(normalizeDomain(input), input).toBeNull()
    }
    expect(normalizeDomain(null)).toBeNull()
    expect(normalizeDomain(undefined)).toBeNull()
  })

  it("is idempotent", () => {
    const label = FastCheck.stringMatching(/^[a-zA-Z0-9äöüé食]{1,8}$/)
    const host = FastCheck.tuple(
      FastCheck.array(label, { minLength: 0, maxLength: 3 }),
      FastCheck.constantFrom("com", "co.uk", "de", "github.io", "中国", "example", "ck", "mm")
    ).map(([labels, suffix]) => [...labels, suffix].join("."))
    const input = FastCheck.oneof(
      host,
      host.map((h) => `https://www.${h}:443/p?q`),
      FastCheck.string()
    )
    FastCheck.assert(
      FastCheck.property(input, (s) => {
        const once = normalizeDomain(s)
        return once === null || normalizeDomain(once) === once
      }),
      { numRuns: 2_000 }
    )
  })
})
