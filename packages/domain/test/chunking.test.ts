import { describe, expect, it } from "@effect/vitest"
import { FastCheck } from "effect"
import { binaryContentReason, chunkDocument, htmlToText } from "../src/rules/chunking.js"

describe("chunkDocument", () => {
  it("keeps a short plain text as one chunk", () => {
    expect(chunkDocument("Hello world.\n\nSecond paragraph.", "text")).toEqual([
      { ordinal: 0, heading: "", text: "Hello world.\n\nSecond paragraph." }
    ])
  })

  it("starts a chunk at each Markdown heading and prefixes the heading path", () => {
    const md = "# Pricing\n\nIntro about prices.\n\n## Enterprise\n\nCustom contracts.\n\n# Support\n\nEmail us."
    const chunks = chunkDocument(md, "markdown")
    expect(chunks.map((c) => c.heading)).toEqual(["Pricing", "Pricing > Enterprise", "Support"])
    expect(chunks[1]!.text).toBe("Pricing > Enterprise\n\nCustom contracts.")
    expect(chunks.map((c) => c.ordinal)).toEqual([0, 1, 2])
  })

  it("recognizes setext headings and ignores # inside fenced code", () => {
    const md = "Title\n=====\n\nBody.\n\n```\n# not a heading\n```\n\nMore."
    const chunks = chunkDocument(md, "markdown")
    expect(chunks).toHaveLength(1)
    expect(chunks[0]!.heading).toBe("Title")
    expect(chunks[0]!.text).toContain("# not a heading")
  })

  it("treats # lines in plain text as text", () => {
    expect(chunkDocument("# not a heading\n\nbody", "text")[0]!.heading).toBe("")
  })

  it("packs paragraphs up to maxChars and overlaps consecutive chunks", () => {
    const paragraphs = Array.from(
      { length: 12 },
      (_, i) => `Paragraph ${i} talks about topic ${i} in some detail with several words.`
    )
    const chunks = chunkDocument(paragraphs.join("\n\n"), "text", { maxChars: 200, overlap: 40 })
    expect(chunks.length).toBeGreaterThan(3)
    for (const c of chunks) expect(c.text.length).toBeLessThanOrEqual(200)
    for (let i = 1; i < chunks.length; i++) {
      const previousTail = chunks[i - 1]!.text.slice(-20)
      expect(chunks[i]!.text).toContain(previousTail.slice(previousTail.indexOf(" ") + 1))
    }
    // every paragraph survives in some chunk
    for (const p of paragraphs) expect(chunks.some((c) => c.text.includes(p))).toBe(true)
  })

  it("splits one huge paragraph at sentence and word boundaries", () => {
    const sentence = "This sentence has exactly some words in it. "
    const chunks = chunkDocument(sentence.repeat(100), "text", { maxChars: 300, overlap: 0 })
    expect(chunks.length).toBeGreaterThan(10)
    for (const c of chunks) {
      expect(c.text.length).toBeLessThanOrEqual(300)
      expect(c.text.endsWith(".")).toBe(true)
    }
    const giantWord = "x".repeat(1000)
    const pieces = chunkDocument(giantWord, "text", { maxChars: 300, overlap: 0 })
    expect(pieces.map((p) => p.text).join("")).toBe(giantWord)
  })

  it("strips HTML to text, keeping headings as sections and dropping scripts", () => {
    const html =
      "<html><head><title>x</title><style>p{}</style></head><body><h1>About &amp; Us</h1><p>We sell <b>robots</b>.</p>" +
      "<script>alert('no')</script><h2>Team</h2><ul><li>Ada</li><li>Linus</li></ul></body></html>"
    expect(htmlToText(html)).toBe("# About & Us\n\nWe sell robots.\n\n## Team\n\n- Ada\n- Linus")
    const chunks = chunkDocument(html, "html")
    expect(chunks.map((c) => c.heading)).toEqual(["About & Us", "About & Us > Team"])
    expect(chunks.some((c) => c.text.includes("alert"))).toBe(false)
  })

  it("returns no chunks for whitespace or markup only", () => {
    expect(chunkDocument("   \n\n ", "text")).toEqual([])
    expect(chunkDocument("<div><script>x()</script></div>", "html")).toEqual([])
  })

  it("rejects nonsensical options", () => {
    expect(() => chunkDocument("x", "text", { maxChars: 10, overlap: 0 })).toThrow(/maxChars/)
    expect(() => chunkDocument("x", "text", { maxChars: 200, overlap: 150 })).toThrow(/overlap/)
  })

  it("never exceeds maxChars plus the heading line, and loses no words (property)", () => {
    FastCheck.assert(
      FastCheck.property(
        FastCheck.array(FastCheck.stringMatching(/^[a-z]{1,12}$/), { minLength: 1, maxLength: 400 }),
        FastCheck.integer({ min: 100, max: 400 }),
        (words, maxChars) => {
          const text = words.map((w, i) => (i % 17 === 16 ? `${w}.\n\n` : `${w} `)).join("")
          const chunks = chunkDocument(text, "text", { maxChars, overlap: Math.floor(maxChars / 4) })
          const seen = new Set(chunks.flatMap((c) => c.text.split(/\s+/).map((w) => w.replace(/\.$/, ""))))
          return chunks.every((c) => c.text.length <= maxChars) && words.every((w) => seen.has(w))
        }
      ),
      { numRuns: 100 }
    )
  })
})

describe("binaryContentReason", () => {
  it("flags NUL bytes and control-character noise, accepts ordinary text", () => {
    expect(binaryContentReason("PK\u0003\u0004\u0000\u0000")).toMatch(/NUL/)
    expect(binaryContentReason("\u0001\u0002\u0003 abc \ufffd\ufffd")).toMatch(/binary/)
    expect(binaryContentReason("Grüße aus Köln — naïve café.\n\tTabbed.")).toBeNull()
  })
})
