import * as fs from "node:fs"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { buildCli, expectFailure, freshPostgres, ndjson, runCli, tempDir } from "./support.js"

const SLOW = 180_000

beforeAll(buildCli, 600_000)

const work = tempDir("leadforge-cli-knowledge-")
afterAll(() => fs.rmSync(work, { recursive: true, force: true }))
const file = (name: string, content: string | Buffer) => {
  const p = path.join(work, name)
  fs.writeFileSync(p, content)
  return p
}

const PLAYBOOK = `# Outbound playbook

## Cold email
Open with the prospect's recent funding round and keep the first email under ninety words.

## Objection handling
When a prospect says the budget is frozen, offer a pilot priced per seat with a thirty day exit.`

const PRICING = `Pricing notes for the warehouse robotics vertical: forklifts, pallet scanners and inventory drones.
Customers compare us with manual cycle counting, so lead with labour hours saved per week.`

describe("leadforge knowledge, search and reindex (embedded PGlite)", () => {
  const env = { LEADFORGE_DATA_DIR: path.join(work, "data") }
  const playbook = file("playbook.md", PLAYBOOK)
  const pricing = file("pricing.txt", PRICING)
  const binary = file("logo.png", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]))
  let playbookId = ""

  it(
    "adds files, reports unchanged re-adds, and skips bad files with exit code 3 naming them",
    async () => {
      const added = await runCli(["knowledge", "add", playbook, pricing, "--json"], env)
      expect(added.code, added.stderr).toBe(0)
      const rows = ndjson(added.stdout)
      expect(rows).toHaveLength(2)
      expect(rows.map((r) => r.status)).toEqual(["created", "created"])
      const doc = rows[0]!.document as { id: string; title: string; contentType: string }
      expect(doc.title).toBe("Outbound playbook")
      expect(doc.contentType).toBe("markdown")
      expect((rows[1]!.document as { title: string }).title).toBe("pricing")
      expect(rows[0]!.chunkCount).toBeGreaterThanOrEqual(1)
      playbookId = doc.id

      const again = await runCli(["knowledge", "add", playbook, binary, path.join(work, "missing.txt")], env)
      expect(again.code).toBe(3)
      expect(again.stdout).toMatch(/unchanged .*Outbound playbook/)
      expect(again.stderr).toMatch(/logo\.png: text /)
      expect(again.stderr).toMatch(/missing\.txt: no such file/)

      const list = await runCli(["knowledge", "list"], env)
      expect(list.code, list.stderr).toBe(0)
      expect(list.stdout).toContain("Outbound playbook")
      expect(list.stdout).toContain("pricing")
      expect(list.stdout).toContain(playbookId)
    },
    SLOW
  )

  it(
    "refuses a file over KNOWLEDGE_MAX_DOCUMENT_BYTES before reading it, naming the size and the limit",
    async () => {
      const big = file("handbook.txt", `${"Forklift fleet maintenance schedule. ".repeat(100)}\n`)
      const refused = await runCli(["knowledge", "add", big, "--json"], {
        ...env,
        KNOWLEDGE_MAX_DOCUMENT_BYTES: "1000"
      })
      expect(refused.code).toBe(1)
      expect(refused.stderr).toContain(
        "handbook.txt: the document's text is 3701 bytes (UTF-8); the limit is 1000 bytes (KNOWLEDGE_MAX_DOCUMENT_BYTES)"
      )
      expect(refused.stdout).toBe("")
      const list = await runCli(["knowledge", "list"], env)
      expect(list.code, list.stderr).toBe(0)
      expect(list.stdout).not.toContain("handbook")
    },
    SLOW
  )

  it(
    "searches by meaning and words, as text and as NDJSON",
    async () => {
      const text = await runCli(["search", "prospect says the budget is frozen", "-k", "2"], env)
      expect(text.code, text.stderr).toBe(0)
      const lines = text.stdout.trimEnd().split("\n")
      expect(lines[0]).toMatch(/^ 1\. \d\.\d{4} {2}\[(text\+vector|text|vector)\] {2}Outbound playbook {2}\(/)
      expect(lines[0]).toContain(playbookId)
      expect(lines[1]).toContain("budget is frozen")
      expect(lines.length).toBeLessThanOrEqual(4)

      const json = await runCli(["search", "warehouse robots and forklifts", "--json", "--mode", "vector"], env)
      expect(json.code, json.stderr).toBe(0)
      const hits = ndjson(json.stdout)
      expect(hits[0]).toMatchObject({ rank: 1, title: "pricing", signals: ["vector"] })
      expect(typeof hits[0]!.score).toBe("number")

      const scoped = await runCli(["search", "warehouse robots", "--json", "--document", playbookId], env)
      expect(scoped.code, scoped.stderr).toBe(0)
      for (const hit of ndjson(scoped.stdout)) expect(hit.documentId).toBe(playbookId)

      const none = await runCli(["search", "budget", "--lead", "00000000-0000-4000-8000-000000000000"], env)
      expect(none.code, none.stderr).toBe(0)
      expect(none.stdout.trim()).toBe("no matches")

      const badK = await runCli(["search", "budget", "--limit", "500"], env)
      expectFailure(badK, /k: must be an integer from 1 to 100/)
      const badLead = await runCli(["search", "budget", "--lead", "acme"], env)
      expect(badLead.code).toBe(2)
    },
    SLOW
  )

  it(
    "reindexes the organization with the current embedder",
    async () => {
      const result = await runCli(["reindex", "--json"], env)
      expect(result.code, result.stderr).toBe(0)
      const [row] = ndjson(result.stdout)
      expect(row).toMatchObject({ documents: 2, embedder: expect.stringContaining("hashing"), dimension: 384 })
      expect(row!.chunks).toBeGreaterThanOrEqual(2)
      const search = await runCli(["search", "budget is frozen", "--json", "--mode", "vector", "-k", "1"], env)
      expect(ndjson(search.stdout)[0]).toMatchObject({ documentId: playbookId })
    },
    SLOW
  )

  it(
    "removes a document and its vectors",
    async () => {
      const rm = await runCli(["knowledge", "rm", playbookId], env)
      expect(rm.code, rm.stderr).toBe(0)
      expect(rm.stdout).toMatch(/removed Outbound playbook/)
      const list = await runCli(["knowledge", "list", "--json"], env)
      expect(ndjson(list.stdout).map((d) => d.id)).not.toContain(playbookId)
      const search = await runCli(["search", "budget is frozen", "--json", "--mode", "vector"], env)
      for (const hit of ndjson(search.stdout)) expect(hit.documentId).not.toBe(playbookId)
      const again = await runCli(["knowledge", "rm", playbookId], env)
      expectFailure(again, `no document with id ${playbookId}`)
      expect((await runCli(["knowledge", "rm", "not-an-id"], env)).code).toBe(2)
    },
    SLOW
  )
})

/** A local server speaking the OpenAI embeddings protocol: 16-dimension letter-frequency vectors. */
const embeddingsServer = async () => {
  const vector = (text: string) => {
    const v = new Array<number>(16).fill(0)
    for (const ch of text.toLowerCase()) if (ch >= "a" && ch <= "z") v[ch.charCodeAt(0) % 16]! += 1
    v[15]! += 1
    const norm = Math.hypot(...v)
    return v.map((x) => x / norm)
  }
  const server = http.createServer((request, response) => {
    let body = ""
    request.on("data", (chunk) => {
      body += chunk
    })
    request.on("end", () => {
      const input = (JSON.parse(body) as { input: ReadonlyArray<string> }).input
      response.writeHead(200, { "content-type": "application/json" })
      response.end(JSON.stringify({ data: input.map((text, index) => ({ embedding: vector(text), index })) }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(resolve)) }
}

describe("leadforge reindex after the embedder changed", () => {
  it(
    "refuses to search an index built by another embedder, then drops and rebuilds it",
    async () => {
      const embeddings = await embeddingsServer()
      try {
        const env = { LEADFORGE_DATA_DIR: path.join(work, "switch") }
        const other = {
          ...env,
          EMBEDDINGS_URL: embeddings.url,
          EMBEDDINGS_MODEL: "letters",
          EMBEDDINGS_DIMENSION: "16"
        }
        const added = await runCli(["knowledge", "add", file("switch.md", PLAYBOOK), "--json"], env)
        expect(added.code, added.stderr).toBe(0)
        const docId = (ndjson(added.stdout)[0]!.document as { id: string }).id

        const refused = await runCli(["search", "budget is frozen"], other)
        expectFailure(refused, /hashing-384.*letters|letters.*hashing-384/)
        expect(refused.stderr).toContain("leadforge reindex")

        const rebuilt = await runCli(["reindex", "--json"], other)
        expect(rebuilt.code, rebuilt.stderr).toBe(0)
        const [dropped, result] = ndjson(rebuilt.stdout)
        expect(dropped).toMatchObject({ dropped: "knowledge" })
        expect(result).toMatchObject({ documents: 1, dimension: 16 })

        const search = await runCli(["search", "budget is frozen", "--json", "--mode", "vector"], other)
        expect(search.code, search.stderr).toBe(0)
        expect(ndjson(search.stdout)[0]).toMatchObject({ documentId: docId, signals: ["vector"] })
      } finally {
        await embeddings.close()
      }
    },
    SLOW
  )
})

describe.skipIf(!process.env.DATABASE_URL)("leadforge knowledge on PostgreSQL without pgvector", () => {
  it(
    "fails with a message naming pgvector and QDRANT_URL, while listing still works",
    async () => {
      const db = await freshPostgres(process.env.DATABASE_URL as string)
      try {
        const env = { DATABASE_URL: db.url }
        const added = await runCli(["knowledge", "add", file("note.txt", "a note about pallets")], env)
        expectFailure(added, /pgvector/)
        expect(added.stderr).toMatch(/QDRANT_URL/)
        const list = await runCli(["knowledge", "list"], env)
        expect(list.code, list.stderr).toBe(0)
        expect(list.stdout.trim()).toBe("no documents")
      } finally {
        await db.drop()
      }
    },
    SLOW
  )
})
