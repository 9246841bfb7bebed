import { Command, Options } from "@effect/cli"
import { Config, Effect, Layer, Option } from "effect"

export const serveCommand = Command.make(
  "serve",
  {
    port: Options.integer("port").pipe(
      Options.withDescription("TCP port to listen on (default: PORT, else 3000; 0 picks a free one)"),
      Options.optional
    ),
    host: Options.text("host").pipe(
      Options.withDescription("Interface to bind (default: HOST, else 0.0.0.0)"),
      Options.optional
    )
  },
  (args) =>
    Effect.gen(function* () {
      const port = Option.isSome(args.port) ? args.port.value : yield* Config.withDefault(Config.port("PORT"), 3000)
      const host = Option.isSome(args.host)
        ? args.host.value
        : yield* Config.withDefault(Config.string("HOST"), "0.0.0.0")
      // loaded on demand: the server (and its API docs bundle) would add a second and 40 MB to every other command
      const { serve } = yield* Effect.promise(() => import("../server/serve.js"))
      return yield* Layer.launch(serve({ port, host }))
    })
).pipe(
  Command.withDescription(
    "Run the HTTP API (/api/v1, docs at /docs) until interrupted; on an empty database it creates an organization and prints its admin key once"
  )
)
