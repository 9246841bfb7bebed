import { WebFetcher, WebFetchFailed } from "@leadforge/domain"
import { Effect, Layer } from "effect"
import { type FetchCoreOptions, FetchError, makeFetchCore } from "./fetchCore.js"

const toFailure = (url: string, error: unknown) =>
  error instanceof FetchError
    ? new WebFetchFailed({
        url,
        reason: error.reason,
        detail: error.detail,
        ...(error.status === undefined ? {} : { status: error.status })
      })
    : new WebFetchFailed({ url, reason: "unreachable", detail: String(error) })

/** The WebFetcher on undici, with its connection pools closed when the scope closes. */
export const make = (options: FetchCoreOptions) =>
  Effect.gen(function* () {
    if (options.allow.size > 0) {
      yield* Effect.logWarning(
        `WEB_FETCH_ALLOW is set: ${[...options.allow].join(", ")} skip the address and port checks${
          options.pinned === undefined || options.pinned.size === 0
            ? ""
            : `; ${[...options.pinned].map(([host, address]) => `${host} is ${address}`).join(", ")}`
        } (for tests and development only)`
      )
    }
    const core = yield* Effect.acquireRelease(
      Effect.sync(() => makeFetchCore(options)),
      (core) => Effect.promise(core.close)
    )
    return WebFetcher.of({
      fetch: (url, fetchOptions) =>
        Effect.tryPromise({
          try: (signal) => core.fetch(url, fetchOptions ?? {}, signal),
          catch: (error) => toFailure(url, error)
        }).pipe(Effect.withSpan("WebFetcherUndici.fetch", { attributes: { url } }))
    })
  })

export const layer = (options: FetchCoreOptions): Layer.Layer<WebFetcher> => Layer.scoped(WebFetcher, make(options))
