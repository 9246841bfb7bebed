import type { Server } from "node:http"
import type { Socket } from "node:net"
import { PROBLEM_CONTENT_TYPE, problemBody } from "@leadforge/http"

/** What to answer a request Node's parser refused, by the parser's error code (Node's own choices of status). */
const answerFor = (code: string | undefined) => {
  switch (code) {
    case "HPE_HEADER_OVERFLOW":
      return { status: 431, title: "Request Header Fields Too Large", code: "headers_too_large" }
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return { status: 408, title: "Request Timeout", code: "request_timeout" }
    default:
      return { status: 400, title: "Bad Request", code: "malformed_request" }
  }
}

/**
 * The response to a request that never reached the API because Node's parser refused it (raw non-ASCII bytes in
 * the request line, a malformed header, headers too large): problem+json like every other error, not Node's bare
 * 400 with no body. The connection is closed after it, as Node does.
 */
export const clientErrorResponse = (error: { readonly code?: string | undefined }): string => {
  const answer = answerFor(error.code)
  const body = JSON.stringify({
    ...problemBody(400, { code: answer.code, detail: "the request could not be parsed as HTTP/1.1" }),
    title: answer.title,
    status: answer.status
  })
  return [
    `HTTP/1.1 ${answer.status} ${answer.title}`,
    `Content-Type: ${PROBLEM_CONTENT_TYPE}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    "Connection: close",
    "",
    body
  ].join("\r\n")
}

/**
 * Answers parser-refused requests with problem+json (see clientErrorResponse) where Node would answer at all: on a
 * connection still writable that has sent nothing yet (a response under way cannot be followed by another).
 */
export const answerClientErrors = (server: Server): Server =>
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Socket) => {
    if (error.code !== "ECONNRESET" && socket.writable && socket.bytesWritten === 0) {
      socket.end(clientErrorResponse(error), () => socket.destroy())
    } else {
      socket.destroy()
    }
  })
