// A client process for the disconnect tests: sends COUNT lead writes at once (each on its own connection), prints
// "sent" once every request is on the wire, then waits. "abort" on standard input makes it close every connection
// (a client that times out or a browser tab that closes) and print "aborted"; the test may also kill it with SIGKILL.
// Usage: node writeLoad.mjs BASE_URL API_KEY COUNT PREFIX
import * as http from "node:http"

const [baseUrl, key, countText, prefix] = process.argv.slice(2)
const count = Number(countText)
const url = new URL("/api/v1/leads", baseUrl)
const agent = new http.Agent({ keepAlive: false, maxSockets: count })

let flushed = 0
const requests = Array.from({ length: count }, (_, i) => {
  const body = JSON.stringify({ companyName: `${prefix} ${i}`, domain: `${prefix}-${i}.example` })
  const request = http.request(url, {
    agent,
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json", "content-length": body.length }
  })
  request.on("error", () => {})
  request.on("response", (response) => {
    // a write that got through before the abort (the tests hold the writer lock, so none should)
    process.stdout.write(`answered ${i} ${response.statusCode}\n`)
    response.resume()
  })
  request.on("finish", () => {
    if (++flushed === count) process.stdout.write("sent\n")
  })
  request.end(body)
  return request
})

process.stdin.setEncoding("utf8")
process.stdin.on("data", (text) => {
  if (!text.includes("abort")) return
  for (const request of requests) request.destroy()
  process.stdout.write("aborted\n")
})
// the test ends it (SIGKILL, or SIGTERM after "aborted"); a bound in case the test itself died
setTimeout(() => process.exit(0), 120_000)
