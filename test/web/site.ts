import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { brotliCompressSync, gzipSync } from "node:zlib"

/** One page of a test site: a status, headers and a body, or a handler for the odd ones (trickles, slow headers). */
export type Route =
  | { readonly status?: number; readonly headers?: Record<string, string>; readonly body?: string | Buffer }
  | ((req: IncomingMessage, res: ServerResponse) => void)

export interface RequestSeen {
  readonly path: string
  readonly headers: IncomingMessage["headers"]
  readonly startedAt: number
}

/**
 * A website served by the tests on 127.0.0.1 (reached through WEB_FETCH_ALLOW), recording every request and the
 * most requests it ever had in flight at once.
 */
export interface TestSite {
  readonly port: number
  readonly origin: (host: string) => string
  readonly requests: Array<RequestSeen>
  readonly maxInFlight: () => number
  readonly setRoute: (path: string, route: Route) => void
  readonly close: () => Promise<void>
}

export const html = (body: string, headers: Record<string, string> = {}): Route => ({
  headers: { "content-type": "text/html; charset=utf-8", ...headers },
  body
})

export const startSite = async (routes: Record<string, Route>): Promise<TestSite> => {
  const table = new Map(Object.entries(routes))
  const requests: Array<RequestSeen> = []
  let inFlight = 0
  let maxInFlight = 0
  const server: Server = createServer((req, res) => {
    inFlight++
    maxInFlight = Math.max(maxInFlight, inFlight)
    res.on("close", () => {
      inFlight--
    })
    const path = (req.url ?? "/").split("?")[0] as string
    requests.push({ path, headers: req.headers, startedAt: Date.now() })
    const route = table.get(path)
    if (route === undefined) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found")
      return
    }
    if (typeof route === "function") return route(req, res)
    res.writeHead(route.status ?? 200, route.headers ?? { "content-type": "text/html; charset=utf-8" })
    res.end(route.body ?? "")
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const port = (server.address() as AddressInfo).port
  return {
    port,
    origin: (host) => `http://${host}:${port}`,
    requests,
    maxInFlight: () => maxInFlight,
    setRoute: (path, route) => table.set(path, route),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

/** Routes for the hostile and broken pages every fetcher test needs. */
export const faultRoutes = (): Record<string, Route> => {
  const tenMegabytes = Buffer.alloc(10 * 1024 * 1024, "a")
  return {
    "/huge": { headers: { "content-type": "text/html" }, body: tenMegabytes },
    "/huge-chunked": (_req, res) => {
      res.writeHead(200, { "content-type": "text/html", "transfer-encoding": "chunked" })
      let sent = 0
      const push = () => {
        while (sent < tenMegabytes.length) {
          const chunk = tenMegabytes.subarray(sent, sent + 64 * 1024)
          sent += chunk.length
          if (!res.write(chunk)) return res.once("drain", push)
        }
        res.end()
      }
      push()
    },
    "/bomb": {
      headers: { "content-type": "text/html", "content-encoding": "gzip" },
      body: gzipSync(Buffer.alloc(10 * 1024 * 1024, 0))
    },
    "/gzip": {
      headers: { "content-type": "text/html; charset=utf-8", "content-encoding": "gzip" },
      body: gzipSync("<html><title>Zipped</title><p>gzip body</p></html>")
    },
    "/br": {
      headers: { "content-type": "text/html; charset=utf-8", "content-encoding": "br" },
      body: brotliCompressSync("<html><title>Brotli</title><p>brotli body</p></html>")
    },
    "/trickle": (_req, res) => {
      res.writeHead(200, { "content-type": "text/html" })
      const timer = setInterval(() => res.write("."), 50)
      res.on("close", () => clearInterval(timer))
    },
    "/slow-headers": (_req, res) => {
      const timer = setTimeout(() => res.writeHead(200, { "content-type": "text/html" }).end("late"), 5_000)
      res.on("close", () => clearTimeout(timer))
    },
    "/latin1": {
      headers: { "content-type": "text/html" },
      body: Buffer.from('<html><head><meta charset="iso-8859-1"><title>Caf\u00e9</title></head></html>', "latin1")
    },
    "/wrong-charset": {
      headers: { "content-type": "text/html; charset=utf-9" },
      // 0x96 is an en dash in windows-1252 (and a control character in ISO-8859-1)
      body: Buffer.concat([
        Buffer.from(
          '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252"><title>Na\u00efve ',
          "latin1"
        ),
        Buffer.from([0x96]),
        Buffer.from(" caf\u00e9</title></head></html>", "latin1")
      ])
    },
    "/image": { headers: { "content-type": "image/png" }, body: Buffer.from([0x89, 0x50, 0x4e, 0x47]) },
    "/no-type": (_req, res) => {
      res.removeHeader("content-type")
      res.writeHead(200)
      res.end("untyped")
    },
    "/error": { status: 500, headers: { "content-type": "text/html" }, body: "boom" },
    "/etag": (req, res) => {
      if (req.headers["if-none-match"] === '"v1"') return void res.writeHead(304, { etag: '"v1"' }).end()
      res.writeHead(200, {
        "content-type": "text/html",
        etag: '"v1"',
        "last-modified": "Mon, 01 Jun 2026 10:00:00 GMT"
      })
      res.end("<html><title>Tagged</title></html>")
    },
    "/to-internal": { status: 302, headers: { location: "http://10.0.0.1/admin" } },
    "/to-metadata-name": { status: 302, headers: { location: "http://metadata.test/latest/meta-data/" } },
    "/to-userinfo": { status: 301, headers: { location: "http://admin:secret@example.com/" } },
    "/to-ftp": { status: 302, headers: { location: "ftp://example.com/file" } },
    "/loop": { status: 302, headers: { location: "/loop" } }
  }
}

/** `/hop/N` redirects to `/hop/N-1`, and `/hop/0` is a page: N + 1 requests, N redirects. */
export const hopRoutes = (max: number): Record<string, Route> => {
  const routes: Record<string, Route> = { "/hop/0": html("<html><title>Arrived</title></html>") }
  for (let n = 1; n <= max; n++) routes[`/hop/${n}`] = { status: 302, headers: { location: `/hop/${n - 1}` } }
  return routes
}
