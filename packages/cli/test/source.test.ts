import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { isUnreadable, openSource, type SourceItem } from "../src/import/source.js"

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "leadforge-source-"))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

const write = (name: string, text: string) => {
  const file = path.join(dir, name)
  fs.writeFileSync(file, text)
  return file
}

const collect = async (batches: AsyncIterable<ReadonlyArray<SourceItem>>) => {
  const sizes: Array<number> = []
  const items: Array<SourceItem> = []
  for await (const batch of batches) {
    sizes.push(batch.length)
    items.push(...batch)
  }
  return { sizes, items }
}

describe("openSource (the import's reader)", () => {
  // ~2.4 MB: many 256 KiB reads, so batches cross the file's chunk boundaries
  const rows = 40_003
  const csv = `name, domain\n${Array.from({ length: rows }, (_, i) => `"Company ${i}, Inc",company-${i}.com`).join("\n")}\n`

  it("reads a CSV in batches of the requested size, every row once, in order, numbered from 1", async () => {
    const source = await openSource(write("big.csv", csv), undefined)
    const { sizes, items } = await collect(source.batches(1_000))
    expect(sizes).toEqual([...Array.from({ length: 40 }, () => 1_000), 3])
    expect(items.map((item) => item.row)).toEqual(Array.from({ length: rows }, (_, i) => i + 1))
    expect(items[12_345]).toEqual({ row: 12_346, values: { name: "Company 12345, Inc", domain: "company-12345.com" } })
    expect(source.bytesRead()).toBe(Buffer.byteLength(csv))
  })

  it("gives the same records one by one", async () => {
    const source = await openSource(write("same.csv", csv), undefined)
    let count = 0
    for await (const item of source.records) {
      if (isUnreadable(item)) throw new Error(item.error)
      expect(item.values.domain).toBe(`company-${count}.com`)
      count++
    }
    expect(count).toBe(rows)
  })

  it("reports a CSV row it cannot parse in its place and keeps reading", async () => {
    const source = await openSource(write("bad.csv", 'name,domain\nA,a.com\nB,"b.com\n'), undefined)
    const { items } = await collect(source.batches(10))
    expect(items[0]).toEqual({ row: 1, values: { name: "A", domain: "a.com" } })
    expect(items).toHaveLength(2)
    expect(isUnreadable(items[1]!)).toBe(true)
    expect(items[1]!.row).toBe(2)
  })

  it("reads NDJSON in batches and reports a bad line by its row", async () => {
    const lines = ['{"name":"A"}', "not json", '{"name":"C"}', "[1]", '{"name":"E"}']
    const source = await openSource(write("rows.ndjson", `${lines.join("\n")}\n`), undefined)
    const { sizes, items } = await collect(source.batches(2))
    expect(source.format).toBe("ndjson")
    expect(sizes).toEqual([2, 2, 1])
    expect(
      items.map((item) => (isUnreadable(item) ? `${item.row}: error` : `${item.row}: ${item.values.name}`))
    ).toEqual(["1: A", "2: error", "3: C", "4: error", "5: E"])
  })

  it("fails the read, not hangs, when the file cannot be read", async () => {
    await expect(openSource(path.join(dir, "missing.csv"), undefined)).rejects.toThrow(/ENOENT/)
  })
})
