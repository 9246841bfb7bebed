import * as net from "node:net"
import { Duration, Effect } from "effect"
import pg from "pg"

/** Where PostgreSQL's postmaster listens for the pool's connections (a CancelRequest goes there too). */
export interface CancelTarget {
  readonly host: string
  readonly port: number
}

/** The pool's server as `pg` resolves it (connection string, PGHOST/PGPORT, defaults). */
export const cancelTarget = (pool: pg.Pool): CancelTarget => {
  // a Client that is never connected: only its resolved connection parameters are read
  const parameters = new pg.Client(pool.options)
  return { host: parameters.host, port: parameters.port }
}

/** The backend a connected client talks to, as its BackendKeyData message told it. */
export const backendKey = (
  client: pg.ClientBase
): { readonly processId: number; readonly secretKey: number } | null => {
  const { processID, secretKey } = client as unknown as { processID?: unknown; secretKey?: unknown }
  return typeof processID === "number" && typeof secretKey === "number" ? { processId: processID, secretKey } : null
}

const CANCEL_REQUEST_CODE = 80877102

/**
 * Asks PostgreSQL to cancel the statement a backend is running, the way `pg`'s own `Client#cancel` and libpq's
 * `PQcancel` do: a 16-byte CancelRequest on a new socket, which the server answers by closing it. Unlike
 * `pg_cancel_backend()` it needs no pooled connection, so it works when every connection is busy. Best effort:
 * completes when the server closed the socket, on any error, or after `timeout`.
 */
export const sendCancelRequest = (
  target: CancelTarget,
  key: { readonly processId: number; readonly secretKey: number },
  timeout: Duration.DurationInput = Duration.seconds(1)
): Effect.Effect<void> =>
  Effect.async<void>((resume) => {
    const packet = Buffer.alloc(16)
    packet.writeInt32BE(16, 0)
    packet.writeInt32BE(CANCEL_REQUEST_CODE, 4)
    packet.writeInt32BE(key.processId, 8)
    packet.writeInt32BE(key.secretKey, 12)
    const socket = target.host.startsWith("/")
      ? net.connect(`${target.host}/.s.PGSQL.${target.port}`)
      : net.connect(target.port, target.host)
    socket.once("connect", () => socket.end(packet))
    socket.once("error", () => socket.destroy())
    socket.once("close", () => resume(Effect.void))
    // the server reads the request and closes; nothing is expected back
    socket.resume()
    return Effect.sync(() => socket.destroy())
  }).pipe(Effect.timeoutOption(timeout), Effect.asVoid)
