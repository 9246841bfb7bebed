import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { describe, expect, it } from "@effect/vitest"
import { VectorIndexQdrant } from "@leadforge/adapters/vector"
import { newId, type OrganizationId } from "@leadforge/domain"
import { Effect, Option } from "effect"
import { spec } from "./support.js"

interface StoredPoint {
  readonly id: string
  readonly vector: ReadonlyArray<number>
  readonly payload: Record<string, unknown>
}

/**
 * A local stand-in for Qdrant that answers 503 until `up` is set, then speaks the little of the REST API the
 * adapter uses: collection existence, creation and info, payload indexes, upsert, and query with a must-match filter.
 */
const fakeQdrant = Effect.acquireRelease(
  Effect.async<{ readonly url: string; readonly state: { up: boolean; requests: number } }>((resume) => {
    const state = { up: false, requests: 0 }
    const collections = new Map<string, { metadata: unknown; points: Map<string, StoredPoint> }>()
    const server = http.createServer((req, res) => {
      let body = ""
      req.on("data", (chunk) => {
        body += chunk
      })
      req.on("end", () => {
        state.requests++
        const reply = (status: number, result: unknown) => {
          res.writeHead(status, { "content-type": "application/json" })
          res.end(JSON.stringify(status === 200 ? { result, status: "ok", time: 0 } : { status: { error: result } }))
        }
        if (!state.up) return reply(503, "starting up")
        const input = body === "" ? {} : JSON.parse(body)
        const [, , name, ...rest] = new URL(req.url!, "http://x").pathname.split("/")
        const collection = collections.get(name!)
        const route = `${req.method} ${rest.join("/")}`
        if (route === "GET exists") return reply(200, { exists: collection !== undefined })
        if (route === "PUT ") {
          collections.set(name!, { metadata: input.metadata, points: new Map() })
          return reply(200, true)
        }
        if (collection === undefined) return reply(404, `collection ${name} not found`)
        switch (route) {
          case "PUT index":
            return reply(200, { operation_id: 1, status: "completed" })
          case "GET ":
            return reply(200, { status: "green", config: { metadata: collection.metadata } })
          case "PUT points":
            for (const p of input.points) collection.points.set(String(p.id), p)
            return reply(200, { operation_id: 2, status: "completed" })
          case "POST points/query": {
            const must = input.filter.must as ReadonlyArray<{ key: string; match: { value: unknown } }>
            const points = [...collection.points.values()]
              .filter((p) => must.every((m) => p.payload[m.key] === m.match.value))
              .map((p) => ({
                id: p.id,
                version: 1,
                score: p.vector.reduce((s, x, i) => s + x * (input.query as Array<number>)[i]!, 0),
                payload: p.payload
              }))
              .sort((a, b) => b.score - a.score)
              .slice(0, input.limit)
            return reply(200, { points })
          }
          default:
            return reply(404, `no route ${route}`)
        }
      })
    })
    server.listen(0, "127.0.0.1", () =>
      resume(
        Effect.succeed({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, state, server } as const)
      )
    )
  }),
  (fake) =>
    Effect.promise(
      () => new Promise<void>((done) => (fake as unknown as { server: http.Server }).server.close(() => done()))
    )
)

describe("Qdrant adapter recovery", () => {
  it.live("a failed first contact is not remembered: once Qdrant answers, the same index works", () =>
    Effect.gen(function* () {
      const fake = yield* fakeQdrant
      const index = yield* VectorIndexQdrant.make(spec("qdrant_recovery", 3, "test-3"), {
        url: fake.url,
        apiKey: Option.none(),
        timeout: 5
      })
      const org = newId<OrganizationId>()
      const down = yield* Effect.flip(index.search([1, 0, 0], 3, { organizationId: org }))
      expect(down._tag).toBe("Unavailable")
      expect(down.message).toMatch(/Qdrant at http:\/\/127\.0\.0\.1:\d+ is unavailable/)
      const before = fake.state.requests
      expect(before).toBeGreaterThan(0)

      fake.state.up = true
      const id = newId()
      yield* index.upsert([
        { id, organizationId: org, vector: [1, 0, 0], payload: { kind: "chunk", documentId: "d1" } }
      ])
      const hits = yield* index.search([1, 0, 0], 3, { organizationId: org })
      expect(hits.map((h) => [h.id, h.payload])).toEqual([[id, { kind: "chunk", documentId: "d1" }]])
      expect(hits[0]!.score).toBeCloseTo(1, 6)
      expect(yield* index.search([1, 0, 0], 3, { organizationId: newId<OrganizationId>() })).toEqual([])
      expect(fake.state.requests).toBeGreaterThan(before)
    }).pipe(Effect.scoped)
  )
})
