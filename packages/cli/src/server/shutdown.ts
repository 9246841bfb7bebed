import type * as Http from "node:http"
import { HttpApiBuilder, type HttpApp } from "@effect/platform"
import { Duration, Effect, Layer } from "effect"

/**
 * The requests whose handling has not ended. A handler whose client went away (or whose connection shutdown
 * closed) is interrupted and still rolls its transaction back after the connection is gone, so shutdown waits for
 * this count, not for the sockets, before the database is closed.
 */
export class InFlight {
  private count = 0
  private readonly none = Effect.unsafeMakeLatch(true)

  readonly track = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.uninterruptibleMask((restore) =>
      Effect.suspend(() => {
        if (this.count++ === 0) this.none.unsafeClose()
        return Effect.ensuring(
          restore(effect),
          Effect.sync(() => {
            if (--this.count === 0) this.none.unsafeOpen()
          })
        )
      })
    )

  /** Completes when no request is being handled. */
  readonly idle = this.none.await

  get size() {
    return this.count
  }

  /** The API-level middleware that counts every request the API handles. */
  get middleware() {
    return HttpApiBuilder.middleware((app: HttpApp.Default) => this.track(app))
  }
}

/**
 * Graceful stop of `server`, run when the layer's scope closes (SIGTERM, SIGINT), before the request handler is
 * removed and the database closed:
 *
 * 1. stop accepting connections, close the idle kept-alive ones, and answer every request still running or still
 *    arriving on an open connection with `Connection: close`, so each connection closes after its response;
 * 2. after `grace`, close the connections whose requests are still running: their handlers are interrupted and
 *    their transactions roll back (on PostgreSQL the session ends at once, see PgSqlClient);
 * 3. wait until every interrupted handler has finished rolling back.
 *
 * Without this, `server.close()` waits for kept-alive connections that a busy client keeps using, and the process
 * never exits.
 */
export const gracefulShutdown = (server: Http.Server, inFlight: InFlight, grace: Duration.DurationInput) =>
  Layer.scopedDiscard(
    Effect.gen(function* () {
      let draining = false
      const open = new Set<Http.ServerResponse>()
      const closeAfterResponse = (response: Http.ServerResponse) => {
        if (!response.headersSent) response.shouldKeepAlive = false
      }
      const onRequest = (_request: Http.IncomingMessage, response: Http.ServerResponse) => {
        open.add(response)
        if (draining) closeAfterResponse(response)
        response.once("close", () => open.delete(response))
        // a response whose headers promised keep-alive before the drain began leaves an idle connection
        response.once("finish", () => {
          if (draining) setImmediate(() => server.closeIdleConnections())
        })
      }
      server.prependListener("request", onRequest)

      const closed = Effect.async<void>((resume) => {
        server.close(() => resume(Effect.void))
      })

      yield* Effect.addFinalizer(() =>
        Effect.gen(function* () {
          if (!server.listening) return
          draining = true
          // Node's close() also closes the connections that are idle now
          const allClosed = yield* Effect.fork(closed)
          for (const response of open) closeAfterResponse(response)
          yield* Effect.logInfo("shutting down: finishing the requests in flight", { requests: inFlight.size })
          // a finalizer runs uninterruptibly, and a timeout waits for what it cannot interrupt
          const finished = yield* Effect.timeoutOption(Effect.interruptible(allClosed.await), grace)
          if (finished._tag === "None") {
            yield* Effect.logWarning("shutdown grace ended: closing connections whose requests are still running", {
              requests: inFlight.size
            })
            server.closeAllConnections()
          }
          const done = yield* Effect.timeoutOption(Effect.interruptible(inFlight.idle), Duration.seconds(10))
          if (done._tag === "None")
            yield* Effect.logError("requests still running at exit", { requests: inFlight.size })
        }).pipe(Effect.ensuring(Effect.sync(() => server.off("request", onRequest))))
      )
    })
  )
