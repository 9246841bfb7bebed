import * as http from "node:http"
import type { AddressInfo, Socket } from "node:net"
import * as net from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { backends, postJson, type RunningServer, raw, startServer } from "./support.js"

const pglite = backends.find((b) => b.name === "pglite")!
const postgres = backends.find((b) => b.name === "postgres")!

const SLOW = 60_000

const PLAYBOOK = `# Outbound playbook

## Cold email
Open with the prospect's recent funding round and keep the first email under ninety words.

## Objection handling
When a prospect says the budget is frozen, offer a pilot priced per seat with a thirty day exit.`

const PRICING = `Pricing notes for the warehouse robotics vertical: forklifts, pallet scanners and inventory drones.
Customers compare us with manual cycle counting, so lead with labour hours saved per week.`

/** About `bytes` of prose: sentences of words drawn (Zipf-like) from a few thousand made-up ones, in paragraphs. */
const largeDocument = (bytes: number) => {
  let seed = 7
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648
    return seed / 2147483648
  }
  const syllables = "ka lo mi ne ra si tu ve an or el ip ur ba de fo gu hi jo".split(" ")
  const words = Array.from({ length: 6000 }, () =>
    Array.from({ length: 2 + Math.floor(random() * 3) }, () => syllables[Math.floor(random() * 19)]).join("")
  )
  const parts: Array<string> = []
  let length = 0
  while (length < bytes) {
    const sentence = `${Array.from({ length: 8 + Math.floor(random() * 14) }, () => words[Math.floor(6000 * random() ** 2.5)]).join(" ")}.${random() < 0.12 ? "\n\n" : " "}`
    parts.push(sentence)
    length += sentence.length
  }
  return parts.join("").slice(0, bytes)
}

/** Polls a reindex task until it is finished (at most `ms`). */
const reindexFinished = async (server: RunningServer, key: string, id: string, ms = 60_000) => {
  const deadline = Date.now() + ms
  while (true) {
    const response = await raw(server, `/api/v1/knowledge/reindex/${id}`, { key })
    expect(response.status).toBe(200)
    const task = await response.json()
    if (["succeeded", "failed", "cancelled"].includes(task.status) || Date.now() > deadline) return task
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/**
 * Calls GET /health every 50 ms until `work` settles; every answer must be 200 within `boundMs` (a generous bound:
 * the point is that the process is not stalled, the latency figure is `pnpm bench health`'s). Returns how many
 * answers came while the work was still running, and the work's result.
 */
const healthWhile = async <A>(server: RunningServer, work: Promise<A>, boundMs = 1_000) => {
  let settled = false
  const done = work.finally(() => {
    settled = true
  })
  let during = 0
  let slowest = 0
  while (!settled) {
    const started = performance.now()
    const health = await fetch(`${server.baseUrl}/health`, { signal: AbortSignal.timeout(10_000) })
    expect(health.status).toBe(200)
    await health.text()
    slowest = Math.max(slowest, performance.now() - started)
    if (!settled) during++
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  expect(slowest).toBeLessThan(boundMs)
  return { during, result: await done }
}

describe("knowledge HTTP API (PGlite with pgvector)", () => {
  let server: RunningServer
  let key: string

  beforeAll(async () => {
    server = await startServer((await pglite.persistence())!, pglite.env)
    key = server.adminKey
  }, SLOW)
  afterAll(async () => {
    await server?.close()
  })

  it("reports the vector store as connected in /health", async () => {
    const health = await raw(server, "/health")
    expect(health.status).toBe(200)
    const body = await health.json()
    expect(body.services.vector_db).toBe("connected")
    expect(body.status).toBe("healthy")
    const spec = await (await raw(server, "/openapi.json")).json()
    for (const route of ["/api/v1/knowledge", "/api/v1/knowledge/{id}", "/api/v1/search", "/api/v1/leads/{id}/similar"])
      expect(Object.keys(spec.paths)).toContain(route)
  })

  it(
    "ingests, lists, gets, searches and deletes documents",
    async () => {
      const created = await postJson(server, "/api/v1/knowledge", key, {
        title: "Outbound playbook",
        text: PLAYBOOK,
        contentType: "markdown",
        sourceUrl: "https://wiki.example.com/playbook"
      })
      expect(created.status).toBe(201)
      const ingested = await created.json()
      expect(ingested.status).toBe("created")
      expect(ingested.chunkCount).toBeGreaterThanOrEqual(1)
      expect(ingested.document.title).toBe("Outbound playbook")
      expect(ingested.document.contentType).toBe("markdown")
      expect(ingested.document.text).toBeUndefined()
      const docId: string = ingested.document.id

      const again = await postJson(server, "/api/v1/knowledge", key, { title: "Outbound playbook", text: PLAYBOOK })
      expect(again.status).toBe(201)
      expect((await again.json()).status).toBe("unchanged")

      const pricing = await postJson(server, "/api/v1/knowledge", key, { title: "Pricing", text: PRICING })
      expect(pricing.status).toBe(201)
      const pricingId: string = (await pricing.json()).document.id

      const list = await raw(server, "/api/v1/knowledge", { key })
      expect(list.status).toBe(200)
      const items: Array<{ id: string; title: string }> = (await list.json()).items
      expect(items.map((d) => d.id).sort()).toEqual([docId, pricingId].sort())

      const one = await raw(server, `/api/v1/knowledge/${docId}`, { key })
      expect(one.status).toBe(200)
      expect((await one.json()).text).toBe(PLAYBOOK)

      for (const mode of ["hybrid", "vector", "text"]) {
        const search = await postJson(server, "/api/v1/search", key, {
          query: "prospect says budget is frozen",
          k: 3,
          mode
        })
        expect(search.status, mode).toBe(200)
        const body = await search.json()
        expect(body.mode).toBe(mode)
        expect(body.items.length).toBeGreaterThan(0)
        expect(body.items[0].document.id, mode).toBe(docId)
        expect(body.items[0].chunk.text).toContain("budget is frozen")
        expect(body.items[0].signals.length).toBeGreaterThan(0)
        if (mode !== "hybrid") expect(body.items[0].signals).toEqual([mode])
      }

      const filtered = await postJson(server, "/api/v1/search", key, {
        query: "prospect says budget is frozen",
        documentId: pricingId
      })
      expect(filtered.status).toBe(200)
      for (const hit of (await filtered.json()).items) expect(hit.document.id).toBe(pricingId)

      const removed = await raw(server, `/api/v1/knowledge/${docId}`, { key, method: "DELETE" })
      expect(removed.status).toBe(204)
      expect((await raw(server, `/api/v1/knowledge/${docId}`, { key })).status).toBe(404)
      const after = await postJson(server, "/api/v1/search", key, { query: "budget is frozen", mode: "vector" })
      for (const hit of (await after.json()).items) expect(hit.document.id).not.toBe(docId)
    },
    SLOW
  )

  it("rejects bad documents with 422 naming every field", async () => {
    const bad = await postJson(server, "/api/v1/knowledge", key, {
      title: "   ",
      text: "",
      contentType: "pdf",
      sourceUrl: "ftp://nowhere",
      leadId: "not-a-uuid"
    })
    expect(bad.status).toBe(422)
    expect(bad.headers.get("content-type")).toContain("application/problem+json")
    const fields = (await bad.json()).errors.map((e: { field: string }) => e.field)
    expect(fields).toEqual(expect.arrayContaining(["leadId"]))
    const body = await postJson(server, "/api/v1/knowledge", key, {
      title: "   ",
      text: "",
      contentType: "pdf",
      sourceUrl: "ftp://nowhere"
    })
    expect(body.status).toBe(422)
    expect((await body.json()).errors.map((e: { field: string }) => e.field).sort()).toEqual(
      ["contentType", "sourceUrl", "text", "title"].sort()
    )
    // A NUL cannot be stored in any field of any request: the edge refuses it, naming the field.
    const binary = await postJson(server, "/api/v1/knowledge", key, { title: "blob", text: "\u0000\u0001\u0002abc" })
    expect(binary.status).toBe(400)
    expect((await binary.json()).errors[0]).toMatchObject({ field: "text", code: "unsafe_text" })
    const missingLead = await postJson(server, "/api/v1/knowledge", key, {
      title: "For a lead",
      text: "Some notes",
      leadId: "00000000-0000-4000-8000-000000000000"
    })
    expect(missingLead.status).toBe(422)
    expect((await missingLead.json()).errors[0]).toMatchObject({ field: "leadId", code: "not_found" })
    const wrongType = await postJson(server, "/api/v1/knowledge", key, { title: 5, text: "x" })
    expect(wrongType.status).toBe(400)
    expect((await wrongType.json()).errors[0].field).toBe("title")
  })

  it("rejects unknown search filters and bad search input, naming the fields", async () => {
    const unknown = await postJson(server, "/api/v1/search", key, { query: "x", industry: "saas", tenant: "y" })
    expect(unknown.status).toBe(400)
    const fields = (await unknown.json()).errors.map((e: { field: string }) => e.field).sort()
    expect(fields).toEqual(["industry", "tenant"])
    const bad = await postJson(server, "/api/v1/search", key, {
      query: "",
      k: 500,
      mode: "fuzzy",
      documentId: "nope"
    })
    expect(bad.status).toBe(422)
    const badFields = (await bad.json()).errors.map((e: { field: string }) => e.field).sort()
    expect(badFields).toEqual(["documentId"])
    const range = await postJson(server, "/api/v1/search", key, { query: "", k: 500, mode: "fuzzy" })
    expect(range.status).toBe(422)
    expect((await range.json()).errors.map((e: { field: string }) => e.field).sort()).toEqual(["k", "mode", "query"])
  })

  it(
    "keeps answering /health while a 1 MB document is ingested, and while the organization is reindexed",
    async () => {
      const text = largeDocument(1_000_000)
      const ingest = healthWhile(
        server,
        postJson(server, "/api/v1/knowledge", key, { title: "Field handbook", text }).then(async (response) => ({
          status: response.status,
          body: await response.json()
        }))
      )
      const { during, result } = await ingest
      expect(result.status).toBe(201)
      expect(result.body.chunkCount).toBeGreaterThan(500)
      expect(during).toBeGreaterThan(2)
      const reindex = await postJson(server, "/api/v1/knowledge/reindex", key, {})
      expect(reindex.status).toBe(202)
      const task = await reindex.json()
      const finished = await healthWhile(server, reindexFinished(server, key, task.id))
      expect(finished.result.status).toBe("succeeded")
      expect(finished.result.result.chunks).toBeGreaterThanOrEqual(result.body.chunkCount)
      expect(finished.during).toBeGreaterThan(2)
      expect(
        (await raw(server, `/api/v1/knowledge/${result.body.document.id}`, { key, method: "DELETE" })).status
      ).toBe(204)
    },
    SLOW
  )

  it(
    "refuses a document over KNOWLEDGE_MAX_DOCUMENT_BYTES with 413 naming the limit, and stores nothing",
    async () => {
      // 1.1 million characters, 2.2 MB in UTF-8: the limit counts bytes
      const over = await postJson(server, "/api/v1/knowledge", key, { title: "Too big", text: "é".repeat(1_100_000) })
      expect(over.status).toBe(413)
      expect(over.headers.get("content-type")).toContain("application/problem+json")
      const problem = await over.json()
      expect(problem).toMatchObject({
        status: 413,
        code: "document_too_large",
        errors: [{ field: "text", code: "too_large", message: "must be at most 2097152 bytes" }]
      })
      expect(problem.detail).toBe(
        "the document's text is 2200000 bytes (UTF-8); the limit is 2097152 bytes (KNOWLEDGE_MAX_DOCUMENT_BYTES)"
      )
      // a body past twice the limit is refused by the edge before it is read
      const huge = await postJson(server, "/api/v1/knowledge", key, { title: "Huger", text: "a".repeat(4_300_000) })
      expect(huge.status).toBe(413)
      expect((await huge.json()).code).toBe("payload_too_large")
      const titles = (
        (await (await raw(server, "/api/v1/knowledge", { key })).json()).items as Array<{ title: string }>
      ).map((d) => d.title)
      expect(titles).not.toContain("Too big")
      expect(titles).not.toContain("Huger")
    },
    SLOW
  )

  it(
    "finds similar leads after a reindex",
    async () => {
      const ids: Array<string> = []
      for (const lead of [
        { companyName: "Pallet Robotics", domain: "palletrobotics.io", industry: "warehouse robotics automation" },
        { companyName: "Forklift Automation", domain: "forkliftauto.io", industry: "warehouse robotics automation" },
        { companyName: "Bakery Supplies", domain: "bakerysupplies.com", industry: "food and bakery retail" }
      ]) {
        const created = await postJson(server, "/api/v1/leads", key, lead)
        expect(created.status).toBe(201)
        ids.push((await created.json()).id)
      }
      const reindex = await postJson(server, "/api/v1/knowledge/reindex", key, {})
      // answered at once: the task is queued, a worker in the server runs it
      expect(reindex.status).toBe(202)
      const queued = await reindex.json()
      expect(queued).toMatchObject({ status: "queued", attempts: 0, result: null, error: null })
      const done = await reindexFinished(server, key, queued.id)
      expect(done.status).toBe("succeeded")
      expect(done.result.leads).toBeGreaterThanOrEqual(3)
      // the task is not research, and another organization cannot read it
      expect((await raw(server, `/api/v1/research/${queued.id}`, { key })).status).toBe(404)
      const other = await server.newOrganization("admin")
      expect((await raw(server, `/api/v1/knowledge/reindex/${queued.id}`, { key: other.key })).status).toBe(404)
      const similar = await raw(server, `/api/v1/leads/${ids[0]}/similar?k=2`, { key })
      expect(similar.status).toBe(200)
      const items: Array<{ lead: { id: string }; score: number }> = (await similar.json()).items
      expect(items).toHaveLength(2)
      expect(items[0]!.lead.id).toBe(ids[1])
      expect(items.map((i) => i.lead.id)).not.toContain(ids[0])
      expect((await raw(server, `/api/v1/leads/${ids[0]}/similar?k=0`, { key })).status).toBe(400)
      expect((await raw(server, "/api/v1/leads/00000000-0000-4000-8000-000000000000/similar", { key })).status).toBe(
        404
      )
    },
    SLOW
  )

  it(
    "keeps the lead index in step: a PATCHed lead is similar to its new peers at once, a deleted one never shows",
    async () => {
      const sourdough = "Wholesale sourdough and pastry supply for artisan bakeries"
      const ids: Array<string> = []
      for (const lead of [
        { companyName: "Dough Direct", domain: "doughdirect.com", industry: "artisan bakery", notes: sourdough },
        { companyName: "Crumb Works", domain: "crumbworks.com", industry: "artisan bakery" },
        { companyName: "Vault Ledger", domain: "vaultledger.io", industry: "payroll compliance software" }
      ]) {
        const created = await postJson(server, "/api/v1/leads", key, lead)
        expect(created.status).toBe(201)
        ids.push((await created.json()).id)
      }
      const [dough, crumb, vault] = ids as [string, string, string]
      const nearestTo = async (id: string) => {
        const response = await raw(server, `/api/v1/leads/${id}/similar?k=1`, { key })
        expect(response.status).toBe(200)
        return ((await response.json()).items as Array<{ lead: { id: string } }>).map((i) => i.lead.id)
      }
      // no reindex anywhere: creating, patching and deleting keep the index in step
      expect(await nearestTo(dough)).toEqual([crumb])
      const patched = await raw(server, `/api/v1/leads/${vault}`, {
        key,
        method: "PATCH",
        headers: { "content-type": "application/json", "if-match": '"1"' },
        body: JSON.stringify({ industry: "artisan bakery", notes: sourdough })
      })
      expect(patched.status).toBe(200)
      expect(await nearestTo(dough)).toEqual([vault])
      expect((await raw(server, `/api/v1/leads/${vault}`, { key, method: "DELETE" })).status).toBe(204)
      // a stale vector of the deleted lead would be the nearest hit and leave the answer empty
      expect(await nearestTo(dough)).toEqual([crumb])
    },
    SLOW
  )

  it(
    "keeps organizations apart: another organization's documents are 404 and never found",
    async () => {
      const created = await postJson(server, "/api/v1/knowledge", key, { title: "Secret plan", text: `${PRICING} v2` })
      expect(created.status).toBe(201)
      const docId: string = (await created.json()).document.id
      const other = await server.newOrganization("admin")
      expect((await raw(server, `/api/v1/knowledge/${docId}`, { key: other.key })).status).toBe(404)
      expect((await raw(server, `/api/v1/knowledge/${docId}`, { key: other.key, method: "DELETE" })).status).toBe(404)
      expect((await (await raw(server, "/api/v1/knowledge", { key: other.key })).json()).items).toEqual([])
      const search = await postJson(server, "/api/v1/search", other.key, { query: "warehouse robotics pricing" })
      expect(search.status).toBe(200)
      expect((await search.json()).items).toEqual([])
      // still there for its owner
      expect((await raw(server, `/api/v1/knowledge/${docId}`, { key })).status).toBe(200)
    },
    SLOW
  )

  it("lets viewers read and search (GET) but not ingest or reindex", async () => {
    const viewer = await server.newOrganization("viewer")
    expect((await raw(server, "/api/v1/knowledge", { key: viewer.key })).status).toBe(200)
    expect((await postJson(server, "/api/v1/knowledge", viewer.key, { title: "t", text: "x" })).status).toBe(403)
    expect((await postJson(server, "/api/v1/knowledge/reindex", viewer.key, {})).status).toBe(403)
    const search = await raw(server, "/api/v1/search?query=budget&k=3&mode=text", { key: viewer.key })
    expect(search.status).toBe(200)
    expect(await search.json()).toEqual({ mode: "text", items: [] })
  })

  it("searches with query parameters too, rejecting unknown ones", async () => {
    const found = await raw(server, "/api/v1/search?query=warehouse%20robotics%20pricing&k=2", { key })
    expect(found.status).toBe(200)
    const body = await found.json()
    expect(body.items.length).toBeGreaterThan(0)
    expect(body.items.length).toBeLessThanOrEqual(2)
    const unknown = await raw(server, "/api/v1/search?query=x&industry=saas", { key })
    expect(unknown.status).toBe(400)
    expect((await unknown.json()).errors.map((e: { field: string }) => e.field)).toEqual(["industry"])
    const bad = await raw(server, "/api/v1/search?query=x&k=0", { key })
    expect(bad.status).toBe(422)
    expect((await bad.json()).errors.map((e: { field: string }) => e.field)).toEqual(["k"])
  })
})

/** Listens on a free local port; the port. */
const listenLocally = async (server: net.Server) => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return (server.address() as AddressInfo).port
}

/** The server on the embedded database, with its vector store in Qdrant at a local port. */
const startWithQdrantAt = async (port: number) =>
  startServer((await pglite.persistence())!, { ...pglite.env, QDRANT_URL: `http://127.0.0.1:${port}` })

describe("knowledge HTTP API with QDRANT_URL", () => {
  it(
    "reports Qdrant connected or disconnected in /health and answers 503 while it is unreachable",
    async () => {
      const qdrant = http.createServer((request, response) => {
        response.writeHead(request.url === "/readyz" ? 200 : 404)
        response.end("all shards are ready")
      })
      const port = await listenLocally(qdrant)
      const up = await startWithQdrantAt(port)
      try {
        const health = await (await raw(up, "/health")).json()
        expect(health.services.vector_db).toBe("connected")
        expect(health.status).toBe("healthy")
      } finally {
        await up.close()
        await new Promise((resolve) => qdrant.close(resolve))
      }
      // the same port, now closed
      const down = await startWithQdrantAt(port)
      try {
        const health = await raw(down, "/health")
        expect(health.status).toBe(200)
        const body = await health.json()
        expect(body.services.vector_db).toBe("disconnected")
        expect(body.status).toBe("degraded")
        const ingest = await postJson(down, "/api/v1/knowledge", down.adminKey, { title: "t", text: "some text" })
        expect(ingest.status).toBe(503)
        expect((await ingest.json()).detail).toContain(`Qdrant at http://127.0.0.1:${port}`)
      } finally {
        await down.close()
      }
    },
    SLOW
  )
})

describe("/health with a vector store that accepts connections and never answers", () => {
  it(
    "answers degraded without waiting on it: the probes run side by side, each with a short timeout",
    async () => {
      const sockets = new Set<Socket>()
      const hung = net.createServer((socket) => {
        sockets.add(socket)
      })
      const port = await listenLocally(hung)
      const server = await startWithQdrantAt(port)
      try {
        // a hundred calls in a row: with the probe's deadline on an AbortSignal, /health stopped answering after ≈ 80
        for (let i = 0; i < 100; i++) {
          // the client gives up after 2 s, a guard against hanging (the latency figure is `pnpm bench health`'s)
          const health = await fetch(`${server.baseUrl}/health`, { signal: AbortSignal.timeout(2_000) })
          expect(health.status).toBe(200)
          expect(await health.json()).toMatchObject({
            status: "degraded",
            services: { database: "connected", vector_db: "disconnected" }
          })
        }
        expect(sockets.size).toBeGreaterThan(0)
      } finally {
        await server.close()
        for (const socket of sockets) socket.destroy()
        await new Promise((resolve) => hung.close(resolve))
      }
    },
    SLOW
  )
})

describe("knowledge HTTP API on PostgreSQL without pgvector", () => {
  let server: RunningServer | undefined

  beforeAll(async () => {
    const persistence = await postgres.persistence()
    if (persistence !== null) server = await startServer(persistence, postgres.env)
  }, SLOW)
  afterAll(async () => {
    await server?.close()
  })

  it("starts anyway, reports not_configured, and answers 503 explaining how to configure an index", async (ctx) => {
    if (server === undefined) return ctx.skip()
    const health = await raw(server, "/health")
    expect(health.status).toBe(200)
    expect((await health.json()).services.vector_db).toBe("not_configured")
    const ingest = await postJson(server, "/api/v1/knowledge", server.adminKey, { title: "t", text: "some text" })
    expect(ingest.status).toBe(503)
    const problem = await ingest.json()
    expect(problem.code).toBe("vector_index_unavailable")
    expect(problem.detail).toMatch(/pgvector/)
    expect(problem.detail).toMatch(/QDRANT_URL/)
    // an oversized document is 413 before an index is needed
    const over = await postJson(server, "/api/v1/knowledge", server.adminKey, {
      title: "t",
      text: "é".repeat(1_100_000)
    })
    expect(over.status).toBe(413)
    expect((await over.json()).code).toBe("document_too_large")
    const search = await postJson(server, "/api/v1/search", server.adminKey, { query: "x" })
    expect(search.status).toBe(503)
    // listing needs no index
    expect((await raw(server, "/api/v1/knowledge", { key: server.adminKey })).status).toBe(200)
    // the rest of the API is unaffected
    expect((await raw(server, "/api/v1/leads", { key: server.adminKey })).status).toBe(200)
  })
})
